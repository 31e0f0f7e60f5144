"""What staff do in every browser test of the admin."""

# seed_demo's staff accounts (admin, editor, contributor) share this password.
DEMO_PASSWORD = "newsroom-demo"


def log_in(page, live, username, password=DEMO_PASSWORD):
    """Log in through the admin's own form, as a person does, and wait for the desk."""
    page.goto(live + "/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Newsroom desk").wait_for()
