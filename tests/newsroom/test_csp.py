def test_admin_pages_allow_the_editors_inline_handlers_and_public_pages_do_not(
    admin_client, client, db
):
    admin = admin_client.get("/admin/articles/article/add/")["Content-Security-Policy"]
    assert "script-src 'self' 'unsafe-inline'" in admin
    assert "nonce-" not in admin
    assert "frame-ancestors 'none'" in admin

    public = client.get("/")["Content-Security-Policy"]
    assert "'unsafe-inline'" not in public.split("script-src")[1].split(";")[0]


def test_the_admin_login_page_gets_the_admin_policy_too(client, db):
    policy = client.get("/admin/login/")["Content-Security-Policy"]
    assert "script-src 'self' 'unsafe-inline'" in policy
