"""WTForms classes: the shape of input and the messages about it, nothing else."""
