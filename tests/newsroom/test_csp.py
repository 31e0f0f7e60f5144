def test_editor_pages_allow_ckeditors_inline_handlers_and_nothing_else_does(
    admin_client, client, db
):
    editor = admin_client.get("/admin/articles/article/add/")["Content-Security-Policy"]
    assert "script-src 'self' 'unsafe-inline'" in editor
    assert "nonce-" not in editor  # a nonce would make browsers ignore 'unsafe-inline'
    assert "frame-ancestors 'none'" in editor

    for url in ["/admin/", "/admin/articles/article/"]:
        policy = admin_client.get(url)["Content-Security-Policy"]
        assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0], url
    public = client.get("/")["Content-Security-Policy"]
    assert "'unsafe-inline'" not in public.split("script-src")[1].split(";")[0]
    login = client.get("/admin/login/")["Content-Security-Policy"]
    assert "'unsafe-inline'" not in login.split("script-src")[1].split(";")[0]
