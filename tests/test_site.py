"""The site's own routes (app/site.py)."""

import io

from PIL import IcoImagePlugin

from tests.helpers.policy import assert_policy


def test_the_favicon_is_an_icon_with_the_sites_headers(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 200
    assert response.mimetype == "image/vnd.microsoft.icon"
    icon = IcoImagePlugin.IcoFile(io.BytesIO(response.data))
    assert {(16, 16), (32, 32)} <= set(icon.sizes())
    assert_policy(response, "/favicon.ico")
    again = client.get("/favicon.ico", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
