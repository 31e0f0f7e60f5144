"""The admin's Content-Security-Policy: ``settings.ADMIN_CSP`` instead of ``SECURE_CSP``.

CKEditor 4 (the admin's rich-text editor) wires its toolbar, format lists and
dialogs with inline event handlers (``onclick="CKEDITOR.tools.callFunction(…)"``).
No nonce covers an event handler, so under the public site's nonce policy the
editor draws but none of its buttons work. Staff pages therefore allow inline
script; the public site keeps the strict policy. List this middleware after
Django's ``ContentSecurityPolicyMiddleware`` so it sees the response first.
"""

from django.conf import settings


class AdminContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        is_admin = match is not None and "admin" in match.namespaces
        if is_admin and not hasattr(response, "_csp_config"):  # a view's own choice wins
            response._csp_config = settings.ADMIN_CSP
        return response
