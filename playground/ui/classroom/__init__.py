"""For teaching: presentation mode, shortcuts and cheat sheet, figures, GIFs, README pictures."""
