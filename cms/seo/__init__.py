"""Search engines and link previews: page metadata, structured data, sitemap.xml and robots.txt."""
