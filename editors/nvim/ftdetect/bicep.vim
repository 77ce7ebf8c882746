" Bicep files for Neovim versions that do not know the filetype (setfiletype keeps a known one).
autocmd BufRead,BufNewFile *.bicep setfiletype bicep
