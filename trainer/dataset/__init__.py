"""Dataset intake, quality report, preprocessing and captioning (issue 4).

Everything here except the captioner back ends (`caption_blip`, `tiny_captioners`) is free of torch so
that the bot can validate uploads and the advisor can read statistics without loading it. Importing
this package imports nothing heavy; import the submodule you need.
"""
