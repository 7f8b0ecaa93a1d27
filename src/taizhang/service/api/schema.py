"""The OpenAPI schema's common parts: the error responses every operation can give, and the id converter of the
API's paths.

Every error of the API is JSON, ``{"detail": "…"}`` (DRF's errors, the services' errors through
:mod:`.errors`, and Django's own 400/403/404/500 under /api/ through ``web.views.errors``). Rather than repeat
them on each view, :func:`add_error_responses` (a drf-spectacular postprocessing hook) documents on each
operation the codes it can give:

- 400 — a parameter or a body the view or the service refuses (an operation with parameters or a body);
- 401/403 — no or an expired token, or a role that may not (every operation but the schema, its page and
  ``token/``);
- 404 — an id that names nothing the user may see, or a page number past the end (every operation with an id
  or a list);
- 405 — a method the path does not take (every operation);
- 409 — a write that finds the ledger changed or in another state (every write);
- 413 — a body larger than ``DATA_UPLOAD_MAX_MEMORY_SIZE`` or an upload over its bound (every operation with a
  body);
- 415 — a body of a media type the operation does not read (every operation with a body);
- 429 — too many failed logins (``token/``).
"""

from __future__ import annotations

ERROR_SCHEMA_NAME = "Error"
ERROR_SCHEMA = {
    "type": "object",
    "properties": {"detail": {"type": "string", "description": "原因（中文）"}},
    "required": ["detail"],
    "description": "Every error of the API: the reason in ``detail``; some errors add fields (e.g. "
                   "``existing_document`` of a duplicate import, ``errors`` of a refused login form).",
}
DESCRIPTIONS = {
    "400": "请求的参数或内容有误",
    "401": "未登录或令牌无效、已过期",
    "403": "无权进行该操作",
    "404": "对象不存在或无权查看，或页码超出范围",
    "405": "该地址不接受此方法",
    "409": "任务或文件已被他人修改，或当前状态不允许该操作",
    "413": "请求内容或上传文件超过上限",
    "415": "不支持的请求内容类型",
    "429": "登录失败次数过多，暂时锁定",
}
PUBLIC = ("/api/schema/", "/api/docs/")
TOKEN = "/api/token/"
WRITES = ("post", "put", "patch", "delete")


def codes_for(path: str, method: str, operation: dict) -> list[str]:
    """The error codes the operation ``method path`` can give (see the module's docstring)."""
    if path in PUBLIC:
        return ["405"]
    has_body = "requestBody" in operation
    has_params = bool(operation.get("parameters")) or "{" in path
    codes = ["405"]
    if has_body or has_params:
        codes.append("400")
    if path == TOKEN:
        return [*codes, "413", "415", "429"]
    codes += ["401", "403", "404"]
    if method in WRITES:
        codes.append("409")
    if has_body:
        codes += ["413", "415"]
    return codes


def add_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook: the shared ``Error`` component and, on every operation, the error
    responses it can give that its view did not document itself."""
    result.setdefault("components", {}).setdefault("schemas", {})[ERROR_SCHEMA_NAME] = ERROR_SCHEMA
    ref = {"$ref": f"#/components/schemas/{ERROR_SCHEMA_NAME}"}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in ("get", "post", "put", "patch", "delete", "head", "options"):
                continue
            responses = operation.setdefault("responses", {})
            for code in codes_for(path, method, operation):
                responses.setdefault(code, {"description": DESCRIPTIONS[code],
                                            "content": {"application/json": {"schema": ref}}})
    return result


class IdConverter:
    """An object id in a path: digits only, at most 18 of them (any such number fits a 64-bit id column on
    both engines), so ``/api/tasks/false/`` or an id too large for the database is a 404, never a 500."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(value)
