"""Middleware of the site as a whole."""


def read_query_first(get_response):
    """Reads the query string before anything else does: more parameters than
    DATA_UPLOAD_MAX_NUMBER_FIELDS raise TooManyFieldsSent here, which Django turns
    into the 400 page, rather than later, while some page (the 404 page's language
    switcher, for one) is rendered, where it became a 500."""

    def middleware(request):
        request.GET  # noqa: B018 (parsed once, kept on the request)
        return get_response(request)

    return middleware
