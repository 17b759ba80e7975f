"""The PDF case summary's content: story, tables, answers, redaction."""
