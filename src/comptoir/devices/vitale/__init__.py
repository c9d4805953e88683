"""The carte Vitale and the appli carte Vitale, read through an emulated reader."""
