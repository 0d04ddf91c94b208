def test_health_answers_ok_without_authentication(api, db):
    response = api("get", "/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_world_builds_and_the_chairman_sees_his_district(api, world):
    response = api("get", "/agencies", user=world.dl_chutich)
    assert response.status_code == 200
    assert [a["code"] for a in response.json()["items"]] == ["DL.DS.UBND", "DL.MC", "DL.TNMT", "DL.UBND"]
