from tests.conftest import query

def test_smoke(seeded):
    print(query(seeded, "select * from unit"))
    print(query(seeded, "select * from criterion where year=2023"))
    assert 0
