"""Small reusable pieces: theme, colours, icons, layouts, pickers with previews."""
