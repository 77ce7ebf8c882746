r"""AIB101 typographic-quote: curly quotes “ ” ‘ ’ used where JSON needs `"`.

## What it does
Reports a string whose quotes are typographic (“…”, ‘…’, or a straight opening
quote closed by a curly one) and a lone typographic quote between tokens.
Curly quotes inside a correctly quoted string are text and are not reported.

## Why is this bad
JSON knows only the straight double quote. Curly quotes come from word
processors, chat tools and web pages that "prettify" text; the file then fails
to parse with an error that is hard to see, since both kinds look alike in
many fonts.

## Example
```json
{ "galleryImageId": “/subscriptions/…/images/ubuntu” }
```

Use instead:
```json
{ "galleryImageId": "/subscriptions/…/images/ubuntu" }
```

## Fix
A safe fix replaces both quotes with straight double quotes when the text
between them holds no `"` or `\` (so the result is certainly the intended
string).

## API versions
All.

## Source
https://www.rfc-editor.org/rfc/rfc8259#section-7
"""

CODE = "AIB101"
NAME = "typographic-quote"
SEVERITY = "error"
SUMMARY = "Typographic quotes used as JSON string quotes"
SCOPE = "document"
ENGINE = True
