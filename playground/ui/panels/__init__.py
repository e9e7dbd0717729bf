"""The panels a user works in: data, network, training, lesson notes, feedback."""
