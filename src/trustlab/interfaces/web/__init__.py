"""The explorable: a local web page where a reader plays with trust, driven by trustlab's engine.

``trustlab serve`` starts it; :func:`trustlab.interfaces.web.app.create_app` builds the server.
"""
