"""Conference reports (SPEC §7): one report context built from the database, rendered by Jinja2
templates to HTML or Markdown, or built in code to DOCX."""
