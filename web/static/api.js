// The public API as the page uses it: the session cookie (sent by the
// browser), and the CSRF token on every request that changes something.
let csrf = null;

export function setCsrf(token) { csrf = token; }

export class ApiError extends Error {
  constructor(status, errors, body) {
    super(errors.map((e) => e.message).join("; "));
    this.status = status;
    this.errors = errors;
    this.body = body;
  }
}

// Listeners told when the session has ended (a 401 on any call).
const expired = [];
export function onExpired(f) { expired.push(f); }

// method, path; options: json (a value sent as JSON), body (sent as it is),
// raw (the Response itself, for downloads). Resolves with the parsed JSON;
// rejects with ApiError carrying the API's {"errors":[...]}.
export async function api(method, path, options = {}) {
  const headers = {};
  let body = options.body;
  if (options.json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(options.json);
  } else if (body !== undefined) {
    headers["Content-Type"] = "application/octet-stream";
  }
  if (method !== "GET" && method !== "HEAD" && csrf) headers["X-CSRF-Token"] = csrf;
  let res;
  try {
    res = await fetch(path, { method, headers, body, credentials: "same-origin", cache: "no-store" });
  } catch (e) {
    throw new ApiError(0, [{ code: "network", message: "Không kết nối được tới máy chủ / the server cannot be reached" }]);
  }
  if (options.raw) return res;
  const text = await res.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch { data = null; }
  }
  if (!res.ok) {
    const errors = data && Array.isArray(data.errors) && data.errors.length
      ? data.errors
      // Not the daemon's answer (a proxy's page, say): said in Vietnamese, its own words in the English half.
      : [{ code: `http_${res.status}`,
           message: `Máy chủ trả lời lỗi HTTP ${res.status}; hãy thử lại sau hoặc báo quản trị viên / ` +
                    `HTTP ${res.status} ${res.statusText || ""}: ${(text || "").replace(/\s+/g, " ").slice(0, 200)}` }];
    if (res.status === 401 && path !== "/api/v1/session") expired.forEach((f) => f());
    throw new ApiError(res.status, errors, data);
  }
  return data;
}

export const q = (params) => {
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== "") s.set(k, v);
  return s.toString();
};
