import json
import logging

from audit.redaction import (
    MASK,
    redact_body,
    redact_headers,
    redact_text,
    redact_url,
    register_secrets,
)


def test_secret_headers_are_masked_by_name():
    headers = redact_headers(
        {
            "X-Auth-Token": "abc",
            "Authorization": "Bearer xyz",
            "x-myobapi-cftoken": "dTpw",
            "Accept": "json",
        }
    )
    assert headers == {
        "X-Auth-Token": MASK,
        "Authorization": MASK,
        "x-myobapi-cftoken": MASK,
        "Accept": "json",
    }


def test_token_responses_and_nested_keys_are_masked():
    body = json.dumps(
        {"access_token": "a1", "refresh_token": "r1", "user": {"password": "p"}, "Code": "GST"}
    )
    text = redact_body(body, "application/json")
    assert "a1" not in text and "r1" not in text and '"p"' not in text
    assert '"Code": "GST"' in text  # an ERP's tax code stays readable


def test_form_bodies_mask_authorization_codes_and_secrets():
    text = redact_body(
        "grant_type=authorization_code&code=c0de&client_secret=s3cr3t",
        "application/x-www-form-urlencoded",
    )
    assert "c0de" not in text and "s3cr3t" not in text and "grant_type=authorization_code" in text


def test_syspro_passwords_in_query_strings_are_masked():
    url = redact_url(
        "https://erp.example.com/SYSPROWCFService/Rest/Logon?Operator=ADMIN&OperatorPassword=pw1&CompanyId=EDU1&CompanyPassword=pw2"
    )
    assert "pw1" not in url and "pw2" not in url and "Operator=ADMIN" in url


def test_registered_values_are_masked_anywhere():
    register_secrets(["stored-credential-value-42"])
    assert (
        redact_text("failed with stored-credential-value-42 in it") == f"failed with {MASK} in it"
    )
    assert "stored-credential-value-42" not in redact_body(
        "<xml>stored-credential-value-42</xml>", "text/xml"
    )


def test_log_lines_are_masked(caplog):
    register_secrets(["logged-secret-value-99"])
    logger = logging.getLogger("tests.redaction")
    from audit.logging import RedactSecretsFilter

    record = logger.makeRecord(
        "t", logging.ERROR, __file__, 1, "token=%s", ("logged-secret-value-99",), None
    )
    RedactSecretsFilter().filter(record)
    assert "logged-secret-value-99" not in record.getMessage()


def test_truncation_says_how_much_was_cut():
    text = redact_body("x" * 500, "text/plain", limit=100)
    assert text.startswith("x" * 100) and "400 more characters" in text
