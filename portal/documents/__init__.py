"""PDF documents rendered with WeasyPrint from templates under templates/documents/."""
