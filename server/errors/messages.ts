/**
 * Every error code in one table: its HTTP status and its words in English and
 * Chinese. Services throw reason codes (server/services/domain-error.ts) and
 * never a status; the errors plugin looks the status up here. A thrown error
 * may carry its own, more precise sentence; these words are what a client
 * reads when it does not (or, in Chinese, when only the English detail
 * exists). Codes never change with the language; only the message does.
 */
export type Lang = 'en' | 'zh';

export interface Words {
  en: string;
  zh: string;
}

export interface ErrorCode extends Words {
  /** The HTTP status a refusal with this code is answered with. */
  status: number;
}

export const MESSAGES: Record<string, ErrorCode> = {
  // Malformed requests
  invalid_parameter: { status: 400, en: 'invalid parameter', zh: '参数无效' },
  invalid_value: { status: 400, en: 'a value in the request is out of range or malformed', zh: '请求中的某个值超出范围或格式不正确' },
  invalid_body: { status: 400, en: 'body: not a valid JSON document', zh: 'body：不是有效的 JSON 文档' },
  empty_body: {
    status: 400,
    en: 'body: must not be empty when Content-Type is application/json',
    zh: 'body：Content-Type 为 application/json 时请求体不能为空',
  },
  invalid_url: { status: 400, en: 'the URL is not valid (bad percent-encoding)', zh: 'URL 无效（百分号编码有误）' },
  bad_request: { status: 400, en: 'the request could not be read', zh: '无法解析该请求' },
  payload_too_large: { status: 413, en: 'the request body is larger than this endpoint accepts', zh: '请求体超过了该接口允许的大小' },
  too_many_files: { status: 413, en: 'too many files in one upload', zh: '一次上传的文件过多' },
  too_many_parts: { status: 413, en: 'too many parts or fields in one upload', zh: '一次上传的部分或字段过多' },
  uri_too_long: { status: 414, en: 'the URL or one of its path parameters is too long', zh: 'URL 或其中的路径参数过长' },
  headers_too_large: { status: 431, en: 'the request headers are too large', zh: '请求头过大' },
  unsupported_media_type: { status: 415, en: 'unsupported Content-Type for this endpoint', zh: '该接口不支持此 Content-Type' },
  request_timeout: { status: 408, en: 'the request took too long to arrive', zh: '请求发送超时' },
  not_found: { status: 404, en: 'not found', zh: '未找到' },
  method_not_allowed: { status: 405, en: 'method not allowed', zh: '不允许使用该方法' },
  not_acceptable: { status: 406, en: 'cannot answer in the requested format', zh: '无法以所请求的格式应答' },
  // Who may do what
  unauthenticated: { status: 401, en: 'sign in or present an API token', zh: '请先登录或提供 API 令牌' },
  invalid_credentials: { status: 401, en: 'wrong username or password', zh: '用户名或密码错误' },
  forbidden: { status: 403, en: 'your role may not do this', zh: '您的角色无权执行此操作' },
  csrf_token_invalid: { status: 403, en: 'writes with a session cookie need the x-csrf-token header', zh: '使用会话 Cookie 写入时需要 x-csrf-token 请求头' },
  out_of_scope: { status: 403, en: 'outside your scope', zh: '超出您的管辖范围' },
  outside_your_area: { status: 403, en: 'the location lies outside your area', zh: '该位置不在您的辖区内' },
  outside_service_area: { status: 422, en: 'the location lies outside every grid', zh: '该位置不在任何网格内' },
  too_many_attempts: { status: 429, en: 'too many attempts; try again later', zh: '尝试次数过多，请稍后再试' },
  // Conflicts with what is stored
  conflict: { status: 409, en: 'conflicts with an existing record', zh: '与已有记录冲突' },
  username_taken: { status: 409, en: 'the username is taken', zh: '用户名已被占用' },
  forbidden_transition: { status: 403, en: 'your role may not take this step', zh: '您的角色无权执行此步骤' },
  illegal_transition: { status: 409, en: 'this step is not allowed in the current state', zh: '当前状态下不允许此操作' },
  already_answered: { status: 409, en: 'already answered', zh: '已经答复过' },
  round_not_open: { status: 409, en: 'this round has not opened', zh: '该轮次尚未开始' },
  nothing_to_remind: { status: 409, en: 'every district has answered', zh: '各区均已答复' },
  plan_outdated: { status: 409, en: 'the plan is based on an older version', zh: '方案所依据的版本已过时' },
  plan_not_editable: { status: 409, en: 'only a draft plan can be changed', zh: '只有草稿方案可以修改' },
  plan_invalid: { status: 422, en: 'the plan has problems; fix them before publishing', zh: '方案存在问题，请先修正再发布' },
  edit_rejected: { status: 422, en: 'the edit cannot be applied', zh: '无法应用此编辑' },
  // Geometry coming in (server/plans/geojson-shape.ts, geometry-validity.ts)
  invalid_geometry: { status: 422, en: 'the geometry is not valid', zh: '几何图形无效' },
  geometry_too_large: { status: 422, en: 'the geometry has more vertices or rings than allowed', zh: '几何图形的顶点或环数超过上限' },
  too_many_features: { status: 413, en: 'the file has more features than one import allows', zh: '文件中的要素数超过单次导入的上限' },
  import_invalid: { status: 422, en: 'the file has problems; nothing was written', zh: '文件存在问题，未写入任何内容' },
  nothing_to_undo: { status: 409, en: 'nothing to undo', zh: '没有可撤销的操作' },
  nothing_to_redo: { status: 409, en: 'nothing to redo', zh: '没有可重做的操作' },
  after_photo_required: { status: 422, en: 'resolving needs at least one "after" photo', zh: '办结前需要至少一张“处置后”照片' },
  check_photo_required: { status: 422, en: 'an on-site check needs a "check" photo taken since the resolution', zh: '现场核查需要一张办结后拍摄的“核查”照片' },
  idempotency_key_reused: {
    status: 422,
    en: 'Idempotency-Key: this key was already used for a different request',
    zh: 'Idempotency-Key：该键已用于另一个不同的请求',
  },
  invalid_photo: { status: 422, en: 'the photo cannot be read', zh: '无法读取该照片' },
  // The server's side
  no_city: { status: 503, en: 'no city has been loaded yet', zh: '尚未载入城市数据' },
  database_unavailable: { status: 503, en: 'the database is unavailable; try again shortly', zh: '数据库暂时不可用，请稍后重试' },
  data_directory_unusable: {
    status: 503,
    en: 'the embedded database cannot be opened on its data directory (GRIDSCOPE_DATA_DIR); the server keeps trying, and an operator should check that directory (free disk space, permissions, damaged files)',
    zh: '内嵌数据库无法在其数据目录（GRIDSCOPE_DATA_DIR）上打开；服务器仍在重试，请管理员检查该目录（磁盘空间、权限、损坏的文件）',
  },
  query_timeout: {
    status: 503,
    en: 'the database took too long to answer; try again shortly, or ask for a shorter window or a smaller region',
    zh: '数据库查询超时，请稍后重试，或缩短时间范围、缩小区域',
  },
  replica_conflict: {
    status: 503,
    en: 'the read replica cancelled this read while applying the latest changes; try again shortly',
    zh: '只读副本正在同步最新数据，取消了本次查询，请稍后重试',
  },
  internal_error: { status: 500, en: 'internal server error', zh: '服务器内部错误' },
};

export function isKnownCode(code: string): boolean {
  return Object.hasOwn(MESSAGES, code);
}

/** The status of a reason code; an unknown code is our bug, so 500. */
export function statusOf(code: string): number {
  return MESSAGES[code]?.status ?? 500;
}

/** Words for a code the table does not know: the code itself says more than nothing. */
export function wordsFor(code: string): Words {
  return MESSAGES[code] ?? { en: code.replaceAll('_', ' '), zh: '请求失败' };
}

/**
 * The language of the answer from an Accept-Language header: Chinese when a
 * `zh` range (zh, zh-CN, zh-Hant…) has a higher q-value than any English one,
 * English otherwise (also for `*`, other languages and no header at all).
 */
export function chooseLanguage(acceptLanguage: string | string[] | undefined): Lang {
  const header = Array.isArray(acceptLanguage) ? acceptLanguage.join(',') : acceptLanguage;
  if (!header) return 'en';
  let best: { lang: Lang; q: number } | undefined;
  for (const part of header.split(',').slice(0, 20)) {
    const [range = '', ...params] = part.trim().toLowerCase().split(';');
    const tag = range.trim();
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    if (!Number.isFinite(q) || q <= 0 || q > 1) continue;
    const lang: Lang | undefined = tag === 'zh' || tag.startsWith('zh-') ? 'zh' : tag === 'en' || tag.startsWith('en-') || tag === '*' ? 'en' : undefined;
    // Ties keep the earlier range: the client listed it first.
    if (lang && (!best || q > best.q)) best = { lang, q };
  }
  return best?.lang ?? 'en';
}
