"""Descent Lab's simulation: 2D loss surfaces, optimizers, descent runs, Keras-shaped
networks and data sets, in plain numpy. Usable from a notebook; never imports streamlit."""
