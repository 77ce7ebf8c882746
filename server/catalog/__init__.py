"""The schema catalog: every API version's template schema, with its documentation."""
