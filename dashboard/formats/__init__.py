"""Files in and out: ICS documents (Markdown, text, PDF) parsed into dataclasses, the spreadsheet template
and uploads, and the CSV and Excel exports. Bytes in, plain data out (and back); no database writes.
"""
