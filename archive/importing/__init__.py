"""Import articles from the plain-text dumps editors paste in.

Two halves. The pure half turns a file's bytes into a `ParsedArticle` without touching
the database, so every rule can be tested on a string: `decode` (bytes to text),
`header` (title, kicker, byline, date), `titles` (repairing damaged titles), `furniture`
and `body` (Markdown without page furniture), `author_note` (dated affiliations), all
driven by `parse.parse_dump`. The other half matches what was found against the archive
(`vocabulary`, `institutions`) and saves it through the service, `service.import_dumps`,
every file of a run in one transaction. `report` describes a run; the `import_articles`
command and the admin upload page (`archive.admin.importing`, which keeps previewed files
in `staging` until the editor confirms) are thin layers over these.
"""
