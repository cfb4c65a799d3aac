"""Items drawn out of a note's text: MeetBot markers, links and commitments or decisions written as
prose. Pure functions, no I/O: text (and who wrote it, and the people ptghub knows) in, items out."""
