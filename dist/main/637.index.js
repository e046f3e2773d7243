export const id = 637;
export const ids = [637];
export const modules = {

/***/ 6586:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   TA: () => (/* binding */ limiter),
/* harmony export */   ZL: () => (/* binding */ settleBounded),
/* harmony export */   rv: () => (/* binding */ allBounded),
/* harmony export */   yJ: () => (/* binding */ mapBounded),
/* harmony export */   yT: () => (/* binding */ REGISTRY_CONCURRENCY)
/* harmony export */ });
/** Requests to one registry at once: enough to hide round trips, few enough for any registry's limits. */
const REGISTRY_CONCURRENCY = 8;
/** `work` over every item, at most `limit` at a time, results in item order. */
async function mapBounded(items, limit, work) {
    const results = new Array(items.length);
    let next = 0;
    const worker = async () => {
        while (next < items.length) {
            const index = next++;
            results[index] = await work(items[index], index);
        }
    };
    await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
    return results;
}
/**
 * `work` over every item, at most `limit` at a time, until one fails: then the signal every
 * running item was given aborts, no item starts, and this waits for the running ones to end.
 * Outcomes come back in item order; the first failure is the one marked `failed`.
 */
async function settleBounded(items, limit, work) {
    const outcomes = items.map(() => ({ status: 'not-started' }));
    const controller = new AbortController();
    const aborted = () => controller.signal.aborted;
    let next = 0;
    const worker = async () => {
        while (next < items.length && !aborted()) {
            const index = next++;
            try {
                outcomes[index] = {
                    status: 'done',
                    value: await work(items[index], controller.signal, index)
                };
            }
            catch (error) {
                outcomes[index] = { status: aborted() ? 'stopped' : 'failed', error };
                controller.abort();
            }
        }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
    return outcomes;
}
/**
 * `work` over every item, at most `limit` at a time, results in item order; on the first
 * failure no item starts, the running ones end, and that failure is thrown.
 */
async function allBounded(items, limit, work) {
    const outcomes = await settleBounded(items, limit, item => work(item));
    const values = [];
    for (const outcome of outcomes) {
        if (outcome.status === 'failed')
            throw outcome.error;
        if (outcome.status === 'done')
            values.push(outcome.value);
    }
    return values;
}
/** A gate that lets at most `limit` tasks run at once, in the order they were handed in. */
function limiter(limit) {
    let running = 0;
    const waiting = [];
    return async (task) => {
        if (running >= limit)
            await new Promise(resolve => waiting.push(resolve));
        running++;
        try {
            return await task();
        }
        finally {
            running--;
            waiting.shift()?.();
        }
    };
}


/***/ }),

/***/ 2325:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Ok: () => (/* binding */ dockerMetadataKeys),
/* harmony export */   z$: () => (/* binding */ buildxKeys)
/* harmony export */ });
/* unused harmony export BUILDX_KEYS */
/**
 * The keys of docker/build-push-action's `metadata` output (buildx's metadata file) that
 * workflows read, with the same meaning whichever engine built: steps written for that
 * action keep working. Pure: tested as tables.
 */
/** buildx's own keys, carried over as its metadata file wrote them. */
const BUILDX_KEYS = /^(buildx\.build\.(ref|provenance(\/.+)?)|containerimage\.config\.digest)$/;
/** The keys of buildx's metadata file worth carrying over, from its parsed JSON. */
function buildxKeys(json) {
    return Object.fromEntries(Object.entries(json).filter(([key]) => BUILDX_KEYS.test(key)));
}
/**
 * `containerimage.digest` and `containerimage.descriptor` of what the tags point at (or of
 * the local result without a push), `image.name` as the tags, comma-separated, and what the
 * engine knew of the rest (`buildx.build.ref`, `buildx.build.provenance`, ...).
 */
function dockerMetadataKeys(top, tags, engineKeys) {
    const keys = {};
    for (const [key, value] of Object.entries(engineKeys)) {
        if (BUILDX_KEYS.test(key))
            keys[key] = value;
    }
    if (top !== undefined) {
        keys['containerimage.digest'] = top.digest;
        keys['containerimage.descriptor'] = {
            mediaType: top.mediaType,
            digest: top.digest,
            size: typeof top.bytes === 'string' ? Buffer.byteLength(top.bytes) : top.bytes.length
        };
    }
    if (tags.length > 0)
        keys['image.name'] = tags.join(',');
    return keys;
}


/***/ }),

/***/ 5193:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   I8: () => (/* binding */ readLegRecord),
/* harmony export */   TN: () => (/* binding */ writeLegRecord),
/* harmony export */   iC: () => (/* binding */ runnerName)
/* harmony export */ });
/* unused harmony exports LEG_RECORD_TYPE, legRecordTag, legRecordManifest, parseLegRecord */
/* harmony import */ var node_stream__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7075);
/* harmony import */ var node_stream__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_stream__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _registry_digest_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(5035);
/* harmony import */ var _registry_oci_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(5526);
/**
 * What a fan-out leg knew about its build, left next to its image for the merge to read
 * back: a small OCI artifact (an image manifest whose one layer is this JSON) tagged
 * `sha256-<hex>.leg` after the leg's digest, so it is found from the digest alone, with no
 * GitHub service in between. The merge shows it; nothing of it is guessed.
 */



const LEG_RECORD_TYPE = 'application/vnd.multiarch-build.leg.v1+json';
const EMPTY_TYPE = 'application/vnd.oci.empty.v1+json';
const EMPTY = Buffer.from('{}');
/** `sha256-<hex>.leg`: the tag of the record of the image with that digest. */
function legRecordTag(digest) {
    return `${digest.replace(':', '-')}.leg`;
}
/** The runner as the leg sees it; undefined off a runner. */
function runnerName(env) {
    const name = env.RUNNER_NAME ?? '';
    if (name === '')
        return undefined;
    return env.RUNNER_ARCH === undefined || env.RUNNER_ARCH === ''
        ? name
        : `${name} (${env.RUNNER_ARCH})`;
}
/** The artifact manifest for a record of `subject`, and the blobs it needs. Pure. */
function legRecordManifest(record, subject) {
    const body = Buffer.from(JSON.stringify(record));
    const manifest = Buffer.from(JSON.stringify({
        schemaVersion: 2,
        mediaType: _registry_oci_js__WEBPACK_IMPORTED_MODULE_2__/* .MEDIA_TYPES */ .Z2.ociManifest,
        artifactType: LEG_RECORD_TYPE,
        config: { mediaType: EMPTY_TYPE, digest: (0,_registry_digest_js__WEBPACK_IMPORTED_MODULE_1__/* .digestOf */ .ol)(EMPTY), size: EMPTY.length },
        layers: [{ mediaType: LEG_RECORD_TYPE, digest: (0,_registry_digest_js__WEBPACK_IMPORTED_MODULE_1__/* .digestOf */ .ol)(body), size: body.length }],
        subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.raw.length }
    }));
    return {
        manifest,
        blobs: [
            { digest: (0,_registry_digest_js__WEBPACK_IMPORTED_MODULE_1__/* .digestOf */ .ol)(EMPTY), bytes: EMPTY },
            { digest: (0,_registry_digest_js__WEBPACK_IMPORTED_MODULE_1__/* .digestOf */ .ol)(body), bytes: body }
        ]
    };
}
async function writeLegRecord(client, repository, record, subject) {
    const { manifest, blobs } = legRecordManifest(record, subject);
    for (const blob of blobs) {
        await client.uploadBlob(repository, blob.digest, blob.bytes.length, () => node_stream__WEBPACK_IMPORTED_MODULE_0__.Readable.from([blob.bytes]));
    }
    const tag = legRecordTag(record.digest);
    await client.putManifest(repository, tag, manifest, _registry_oci_js__WEBPACK_IMPORTED_MODULE_2__/* .MEDIA_TYPES */ .Z2.ociManifest);
    return tag;
}
/** A record is taken only when it names this very image and platform. Pure. */
function parseLegRecord(value, digest, platform) {
    if (typeof value !== 'object' || value === null)
        return undefined;
    const record = value;
    if (record.digest !== digest || record.platform !== platform)
        return undefined;
    if (typeof record.emulated !== 'boolean' || typeof record.engine !== 'string')
        return undefined;
    const number = (field) => (typeof field === 'number' ? field : undefined);
    return {
        platform,
        digest,
        emulated: record.emulated,
        probed: record.probed === true,
        runner: typeof record.runner === 'string' ? record.runner : undefined,
        engine: record.engine,
        buildSeconds: number(record.buildSeconds),
        archCheck: record.archCheck === 'passed' ||
            record.archCheck === 'failed' ||
            record.archCheck === 'warned'
            ? record.archCheck
            : 'skipped',
        layers: number(record.layers),
        bytes: number(record.bytes)
    };
}
/** The record of the image `digest` in `repository`; undefined when the leg left none. */
async function readLegRecord(client, repository, digest, platform) {
    const reference = { registry: client.registry, repository, tag: legRecordTag(digest) };
    if (!(await client.hasManifest(reference)))
        return undefined;
    const manifest = await client.getManifest(reference);
    const parsed = JSON.parse(manifest.raw.toString('utf8'));
    const layer = parsed.layers?.find(entry => entry.mediaType === LEG_RECORD_TYPE);
    if (layer === undefined)
        return undefined;
    return parseLegRecord(await client.getBlobJson(repository, layer.digest), digest, platform);
}


/***/ }),

/***/ 2430:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Bs: () => (/* binding */ maskCredentials),
/* harmony export */   Og: () => (/* binding */ credentialsFor),
/* harmony export */   pD: () => (/* binding */ loginsFrom)
/* harmony export */ });
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3838);
/* harmony import */ var _constants_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(7242);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(3916);
/* harmony import */ var _registry_credentials_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(3653);




/** Credentials from inputs go to the `registry` input or else the first tag's registry. */
function loginsFrom(inputs) {
    const { username, password } = inputs.login;
    if (username === '')
        return [];
    const registry = inputs.login.registry ?? inputs.tags[0]?.registry;
    if (registry === undefined) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .InputError */ .dz(_constants_js__WEBPACK_IMPORTED_MODULE_1__/* .Input */ .pd.Registry, 'is empty and no tag names a registry', 'Set `registry`');
    }
    return [{ registry, credentials: { username, password } }];
}
/**
 * The given login for this registry, else what docker's or podman's auth files hold (inline,
 * or through a credential helper). Whatever is found is masked, in every form a log could
 * show it: the password or token itself and the base64 `user:password` of auth files.
 */
async function credentialsFor(registry, logins) {
    const given = logins.find(login => login.registry === registry);
    const found = given?.credentials ?? (await (0,_registry_credentials_js__WEBPACK_IMPORTED_MODULE_3__/* .credentialsFromAuthFiles */ .i5)(registry, (0,_registry_credentials_js__WEBPACK_IMPORTED_MODULE_3__/* .authFilePaths */ .pB)()));
    if (found !== undefined)
        maskCredentials(found);
    return found;
}
function maskCredentials(credentials) {
    _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .setSecret */ .Pq(credentials.password);
    _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .setSecret */ .Pq((0,_registry_credentials_js__WEBPACK_IMPORTED_MODULE_3__/* .basicAuth */ .tB)(credentials));
}


/***/ }),

/***/ 8152:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  Z2: () => (/* reexport */ oci/* MEDIA_TYPES */.Z2),
  bP: () => (/* binding */ RegistryClient),
  gl: () => (/* reexport */ RegistryError)
});

// UNUSED EXPORTS: named, retryDelay

;// CONCATENATED MODULE: ./src/registry/challenge.ts
/** `WWW-Authenticate` challenges and token scopes of the distribution auth spec. Pure. */
// One item of a challenge list: `name=value`, `name="quoted, value"` or a scheme name.
const ITEM = /\s*(?:([A-Za-z][\w.-]*)\s*=\s*("(?:[^"\\]|\\.)*"|[^\s,]*)|([A-Za-z][\w.-]*))\s*,?/y;
/**
 * Every challenge in a `WWW-Authenticate` value (Node joins repeated headers with `, `),
 * e.g. `Bearer realm="https://auth.io/token",service="reg",scope="repository:a:pull"`.
 */
function parseChallenges(header) {
    const found = [];
    ITEM.lastIndex = 0;
    let match;
    while (ITEM.lastIndex < header.length && (match = ITEM.exec(header)) !== null) {
        const [, name, value, scheme] = match;
        if (scheme !== undefined) {
            found.push({ scheme: scheme.toLowerCase(), parameters: {} });
        }
        else if (name !== undefined && value !== undefined) {
            const unquoted = value.startsWith('"') ? value.slice(1, -1).replace(/\\(.)/g, '$1') : value;
            const current = found.at(-1);
            if (current !== undefined)
                current.parameters[name.toLowerCase()] = unquoted;
        }
    }
    const challenges = [];
    for (const { scheme, parameters } of found) {
        if (scheme === 'basic') {
            challenges.push({
                scheme: 'basic',
                ...(parameters.realm === undefined ? {} : { realm: parameters.realm })
            });
        }
        else if (scheme === 'bearer' && parameters.realm !== undefined) {
            challenges.push({
                scheme: 'bearer',
                realm: parameters.realm,
                ...(parameters.service === undefined ? {} : { service: parameters.service }),
                ...(parameters.scope === undefined ? {} : { scope: parameters.scope }),
                ...(parameters.error === undefined ? {} : { error: parameters.error })
            });
        }
    }
    return challenges;
}
/** The challenge we answer: bearer when offered (it scopes access), else basic. */
function preferredChallenge(header) {
    const challenges = parseChallenges(header);
    return challenges.find(challenge => challenge.scheme === 'bearer') ?? challenges[0];
}
function repositoryScope(repository, actions) {
    return `repository:${repository}:${actions}`;
}
/** What reading a repository needs. */
function pullScope(repository) {
    return repositoryScope(repository, 'pull');
}
/** What writing a repository needs (a push reads too: HEAD before upload). */
function pushScope(repository) {
    return repositoryScope(repository, 'pull,push');
}
/** Scopes in a stable order, duplicates dropped, so equal requests share one cached token. */
function normaliseScopes(scopes) {
    return [...new Set(scopes.flatMap(scope => scope.split(/\s+/)).filter(Boolean))].sort();
}
/** The token request: `realm?service=...&scope=...&scope=...[&account=...]`. */
function tokenUrl(challenge, scopes, account) {
    const url = new URL(challenge.realm);
    if (challenge.service !== undefined)
        url.searchParams.set('service', challenge.service);
    for (const scope of normaliseScopes(scopes))
        url.searchParams.append('scope', scope);
    if (account !== undefined)
        url.searchParams.set('account', account);
    return url;
}
/** A token endpoint's JSON: `token` or the OAuth2 `access_token`, and `expires_in`. */
function parseTokenAnswer(text) {
    let parsed;
    try {
        parsed = JSON.parse(text);
    }
    catch {
        return undefined;
    }
    if (typeof parsed !== 'object' || parsed === null)
        return undefined;
    const { token, access_token: accessToken, expires_in: expiresIn } = parsed;
    const value = typeof token === 'string' && token !== '' ? token : accessToken;
    if (typeof value !== 'string' || value === '')
        return undefined;
    return {
        token: value,
        expiresIn: typeof expiresIn === 'number' && expiresIn > 0 ? expiresIn : 60
    };
}

// EXTERNAL MODULE: ./src/registry/digest.ts
var registry_digest = __webpack_require__(5035);
// EXTERNAL MODULE: ./src/registry/oci.ts
var oci = __webpack_require__(5526);
// EXTERNAL MODULE: external "node:http"
var external_node_http_ = __webpack_require__(7067);
var external_node_http_default = /*#__PURE__*/__webpack_require__.n(external_node_http_);
;// CONCATENATED MODULE: ./src/registry/retry.ts
/** When and how long to wait before trying a registry request again. Pure; table-tested. */
const DEFAULT_RETRY_POLICY = {
    baseMs: 200,
    capMs: 5_000,
    maxRetryAfterMs: 60_000
};
/**
 * `Retry-After` in milliseconds from `now`: delta-seconds or an HTTP date (a date in the
 * past means now). Undefined when absent or unreadable.
 */
function parseRetryAfter(header, now) {
    if (header === undefined)
        return undefined;
    const text = header.trim();
    if (/^\d+$/.test(text))
        return Number(text) * 1000;
    // Only an IMF-fixdate or its obsolete forms count: `Date.parse('5')` would be a year.
    if (!/[a-z]{3}/i.test(text))
        return undefined;
    const at = Date.parse(text);
    return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
/**
 * Milliseconds to wait before retry number `attempt` (0 for the first retry): what the
 * registry's `Retry-After` asks for, else "full jitter" — uniform in
 * [0, min(cap, base * 2^attempt)) — so that many clients failing together spread out.
 */
function retryDelay(attempt, retryAfterHeader, random, policy = DEFAULT_RETRY_POLICY, now = Date.now()) {
    const retryAfter = parseRetryAfter(retryAfterHeader, now);
    if (retryAfter !== undefined)
        return Math.min(retryAfter, policy.maxRetryAfterMs);
    const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempt));
    return Math.floor(Math.min(Math.max(random(), 0), 1) * ceiling);
}
/** 408, 429 and 5xx are worth another try; 501 and 505 say the server never will. */
function isRetryableStatus(status) {
    return (status === 408 ||
        status === 429 ||
        (status >= 500 && status <= 599 && ![501, 505].includes(status)));
}
/** Whether a `Retry-After` on this status means "wait this long" (RFC 9110 §10.2.3). */
function honoursRetryAfter(status) {
    return status === 429 || status === 503;
}
const TRANSIENT_CODES = new Set([
    'ECONNRESET',
    'ECONNREFUSED',
    'ECONNABORTED',
    'ETIMEDOUT',
    'EPIPE',
    'EAI_AGAIN',
    'ENETUNREACH',
    'ENETDOWN',
    'EHOSTUNREACH'
]);
/** The `code` of a Node system error; a failed happy-eyeballs connect nests them. */
function errorCode(error) {
    if (!(error instanceof Error))
        return undefined;
    const code = error.code;
    if (typeof code === 'string')
        return code;
    if (error instanceof AggregateError) {
        for (const inner of error.errors) {
            const innerCode = errorCode(inner);
            if (innerCode !== undefined)
                return innerCode;
        }
    }
    return undefined;
}
/** Connection failures a second attempt can cure: resets, refusals, timeouts, hang-ups. */
function isRetryableError(error) {
    const code = errorCode(error);
    if (code !== undefined && TRANSIENT_CODES.has(code))
        return true;
    return error instanceof Error && /socket hang up/i.test(error.message);
}
/**
 * What shows that a TLS handshake failed because the server answered in plain HTTP (its
 * `HTTP/1.1 400` parses as a bogus TLS record), e.g. `wrong version number`; undefined for
 * a bad certificate or a refused connection, which must never downgrade to http.
 */
function plainHttpSign(error) {
    if (!(error instanceof Error))
        return undefined;
    const sign = /wrong version number|packet length too long|http request|WRONG_VERSION_NUMBER/i.exec(`${errorCode(error) ?? ''} ${error.message}`);
    return sign?.[0];
}

// EXTERNAL MODULE: external "node:https"
var external_node_https_ = __webpack_require__(4708);
var external_node_https_default = /*#__PURE__*/__webpack_require__.n(external_node_https_);
;// CONCATENATED MODULE: ./src/registry/transport.ts
/** One HTTP exchange with the limits a registry client needs: idle and total timeouts, streams. */


/** A socket-level failure of our own making (timeouts), coded like Node's own. */
class TransportError extends Error {
    code;
    constructor(code, message) {
        super(message);
        this.code = code;
        this.name = 'TransportError';
    }
}
/** Send the request and resolve once the answer's headers are in. */
function transport_open(exchange) {
    const transport = exchange.url.protocol === 'https:' ? (external_node_https_default()) : (external_node_http_default());
    return new Promise((resolve, reject) => {
        let response;
        let deadlineTimer;
        const request = transport.request(exchange.url, {
            method: exchange.method,
            headers: { 'user-agent': 'multiarch-build-action', ...exchange.headers },
            agent: exchange.agent
        });
        const fail = (error) => {
            if (response === undefined) {
                request.destroy(error);
            }
            else {
                response.destroy(error);
                request.destroy();
            }
        };
        const clear = () => {
            if (deadlineTimer !== undefined)
                clearTimeout(deadlineTimer);
        };
        if (exchange.deadline !== undefined) {
            const total = Math.max(0, exchange.deadline - Date.now());
            deadlineTimer = setTimeout(() => {
                fail(new TransportError('ETIMEDOUT', `not finished within ${exchange.deadlineName ?? `${total} ms`}`));
            }, total);
        }
        request.setTimeout(exchange.idleTimeoutMs, () => {
            const what = response === undefined ? 'no answer' : 'the body stalled';
            fail(new TransportError('ETIMEDOUT', `${what} for ${exchange.idleTimeoutMs} ms`));
        });
        request.on('response', (incoming) => {
            response = incoming;
            incoming.on('close', clear);
            // The server answered before taking the whole upload (an error): stop sending.
            incoming.on('end', () => {
                if (!request.writableFinished)
                    request.destroy();
            });
            resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, body: incoming });
        });
        request.on('error', (error) => {
            clear();
            reject(error);
        });
        const body = exchange.body;
        if (body === undefined) {
            request.end();
        }
        else if (Buffer.isBuffer(body)) {
            request.end(body);
        }
        else {
            body.on('error', (error) => request.destroy(error));
            request.on('close', () => {
                if (!body.readableEnded)
                    body.destroy();
            });
            body.pipe(request);
        }
    });
}
/** The whole body, refusing more than `limit` bytes (manifests are small; blobs are streamed). */
function readAll(body, limit) {
    return new Promise((resolve, reject) => {
        if (body.destroyed) {
            reject(new TransportError('ECONNRESET', 'the connection closed before the body ended'));
            return;
        }
        const chunks = [];
        let size = 0;
        body.on('data', (chunk) => {
            size += chunk.length;
            if (size > limit)
                body.destroy(new Error(`answered more than ${limit} bytes`));
            else
                chunks.push(chunk);
        });
        body.on('end', () => {
            resolve(Buffer.concat(chunks));
        });
        body.on('error', reject);
        // Without an `error` listener in time, Node closes an aborted answer silently.
        body.on('close', () => {
            reject(new TransportError('ECONNRESET', 'the connection closed before the body ended'));
        });
    });
}
/** Throw away a body we do not need, so the socket can be reused. */
function discard(body) {
    body.on('error', () => undefined);
    body.resume();
}

;// CONCATENATED MODULE: ./src/registry/problems.ts
/** Turning a registry's answers and socket failures into messages with a cause and a fix. Pure. */



/** `CODE: message` of the distribution error body `{"errors":[{code,message}]}`, if any. */
function registryErrors(body) {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    let parsed;
    try {
        parsed = JSON.parse(text);
    }
    catch {
        return undefined;
    }
    const errors = parsed?.errors;
    if (!Array.isArray(errors))
        return undefined;
    const parts = errors
        .filter((entry) => typeof entry === 'object')
        .map(entry => [entry.code, entry.message].filter(part => typeof part === 'string' && part !== '').join(': '))
        .filter(part => part !== '');
    return parts.length > 0 ? parts.join('; ') : undefined;
}
const STATUS_FIXES = {
    401: 'check `username`/`password` or the auth file',
    403: 'the credentials lack access to this repository; grant push/pull or use other credentials',
    404: 'check the repository name and the tag or digest',
    413: 'the registry limits request sizes; check its proxy settings',
    429: 'the registry rate-limits this client; retry later or authenticate'
};
const REGISTRY_CODE_FIXES = {
    MANIFEST_BLOB_UNKNOWN: 'push or mount its blobs (and child manifests) into the repository first',
    BLOB_UPLOAD_UNKNOWN: 'the upload session expired or was lost; start the upload again',
    DIGEST_INVALID: 'the uploaded bytes do not match their digest; the source may be corrupt',
    NAME_UNKNOWN: 'check the repository name',
    DENIED: 'the credentials lack access to this repository; grant push/pull or use other credentials',
    TOOMANYREQUESTS: 'the registry rate-limits this client; retry later or authenticate'
};
/** `answered 404 Not Found (MANIFEST_UNKNOWN: manifest unknown); check ...`. */
function statusProblem(status, body = '') {
    const reason = external_node_http_.STATUS_CODES[status] ?? 'unknown status';
    const details = registryErrors(body);
    const code = details?.match(/^[A-Z_]+/)?.[0];
    const fix = (code === undefined ? undefined : REGISTRY_CODE_FIXES[code]) ?? STATUS_FIXES[status];
    return `answered ${status} ${reason}${details === undefined ? '' : ` (${details})`}${fix === undefined ? '' : `; ${fix}`}`;
}
const CODE_FIXES = {
    ECONNREFUSED: 'is a registry listening at this address?',
    ENOTFOUND: 'check the host name',
    EAI_AGAIN: 'DNS did not answer; check the network',
    ETIMEDOUT: 'the registry or the network is too slow; raise `timeoutMs` or check the network',
    ECONNRESET: 'the connection was cut; a proxy or the registry may be overloaded',
    DEPTH_ZERO_SELF_SIGNED_CERT: 'trust its CA: put it in /etc/containers/certs.d/<host>/ca.crt',
    SELF_SIGNED_CERT_IN_CHAIN: 'trust its CA: put it in /etc/containers/certs.d/<host>/ca.crt',
    UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'trust its CA: put it in /etc/containers/certs.d/<host>/ca.crt',
    ERR_TLS_CERT_ALTNAME_INVALID: 'the certificate does not name this host; use the name it was issued for'
};
function describe(error) {
    if (!(error instanceof Error))
        return String(error);
    if (error.message === '' && error instanceof AggregateError) {
        return error.errors.map(describe).join(', ');
    }
    return error.message;
}
/** A socket-level failure as `message; fix`. */
function transportProblem(error) {
    const message = describe(error);
    const code = errorCode(error);
    const fix = code === undefined ? undefined : CODE_FIXES[code];
    // Our own timeouts say what they are; Node's messages may lack their code.
    const named = code === undefined || message.includes(code) || error instanceof TransportError
        ? message
        : `${message} (${code})`;
    return fix === undefined ? named : `${named}; ${fix}`;
}

// EXTERNAL MODULE: external "node:timers/promises"
var promises_ = __webpack_require__(8500);
// EXTERNAL MODULE: external "node:tls"
var external_node_tls_ = __webpack_require__(1692);
var external_node_tls_default = /*#__PURE__*/__webpack_require__.n(external_node_tls_);
// EXTERNAL MODULE: ./src/registry/credentials.ts
var registry_credentials = __webpack_require__(3653);
// EXTERNAL MODULE: external "node:fs/promises"
var external_node_fs_promises_ = __webpack_require__(1455);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
var external_node_path_default = /*#__PURE__*/__webpack_require__.n(external_node_path_);
;// CONCATENATED MODULE: ./src/registry/endpoint.ts
/** Where a registry's API lives, and what a host's own setup says about reaching it. */


/**
 * Docker Hub's names (`docker.io`, `index.docker.io`) serve a web site, not the API: every
 * docker client maps them to `registry-1.docker.io`. Other registries serve it themselves.
 */
function apiHost(registry) {
    const name = registry.toLowerCase();
    return name === 'docker.io' || name === 'index.docker.io' ? 'registry-1.docker.io' : registry;
}
function isLoopback(host) {
    const name = host.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
    return name === 'localhost' || name === '::1' || /^127\./.test(name);
}
/** CA certificates the containers tools trust for these hosts (so buildah and we agree). */
async function containersCa(hosts) {
    const found = [];
    for (const host of new Set(hosts)) {
        const dir = external_node_path_default().join('/etc/containers/certs.d', host);
        try {
            const files = (await (0,external_node_fs_promises_.readdir)(dir)).filter(file => file.endsWith('.crt'));
            found.push(...(await Promise.all(files.map(file => (0,external_node_fs_promises_.readFile)(external_node_path_default().join(dir, file), 'utf8')))));
        }
        catch {
            // No folder for this host: the system's roots alone.
        }
    }
    return found;
}

;// CONCATENATED MODULE: ./src/registry/session.ts
/**
 * One registry's HTTP session: protocol probe, TLS with the containers' CA, the 401
 * challenge (basic or bearer tokens per scope, renewed before they expire), redirects that
 * never carry our Authorization to another host, retries with backoff, and deadlines.
 * It knows requests, not manifests or blobs: client.ts and upload.ts speak the API.
 */










/** Manifests are capped at 4 MiB by the spec; configs are smaller. Blobs are streamed. */
const BODY_LIMIT = 32 * 1024 * 1024;
const ERROR_BODY_LIMIT = 1024 * 1024;
const MAX_REDIRECTS = 5;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
class RegistryError extends Error {
    registry;
    status;
    constructor(registry, message, 
    /** The HTTP status that ended it, when one did. */
    status) {
        super(`registry ${registry}: ${message}`);
        this.registry = registry;
        this.status = status;
        this.name = 'RegistryError';
    }
}
/** A failed attempt that another may cure. */
class Retryable extends Error {
    retryAfter;
    status;
    constructor(message, retryAfter, status) {
        super(message);
        this.retryAfter = retryAfter;
        this.status = status;
        this.name = 'Retryable';
    }
}
function header(headers, name) {
    const value = headers[name];
    return Array.isArray(value) ? value[0] : value;
}
function basic(credentials) {
    return `Basic ${(0,registry_credentials/* basicAuth */.tB)(credentials)}`;
}
/** The key a set of scopes is held under, whatever their order and spelling. */
function scopesKey(scopes) {
    return normaliseScopes(scopes).join(' ');
}
class RegistrySession {
    registry;
    options;
    scheme;
    challenge;
    tokens = new Map();
    agents;
    pinged;
    /** Token requests under way, by scope: requests side by side wait for one, not one each. */
    fetching = new Map();
    /** Where the API is served: the registry's own host, but `registry-1.docker.io` for Docker Hub. */
    host;
    constructor(
    /** The registry's name, as references and credentials spell it (`docker.io`, `ghcr.io`). */
    registry, options = {}) {
        this.registry = registry;
        this.options = options;
        this.host = apiHost(registry);
    }
    /** The protocol this session settled on (after its first request), or undefined before. */
    get protocol() {
        return this.scheme;
    }
    /** Drop pooled connections; the session stays usable and reconnects on demand. */
    close() {
        const agents = this.agents;
        this.agents = undefined;
        void agents?.then(({ http, https }) => {
            http.destroy();
            https.destroy();
        });
    }
    error(operation, problem, status) {
        return new RegistryError(this.registry, `${operation}: ${problem}`, status);
    }
    retryable(opened, body) {
        const retryAfter = honoursRetryAfter(opened.status)
            ? header(opened.headers, 'retry-after')
            : undefined;
        return new Retryable(statusProblem(opened.status, body), retryAfter, opened.status);
    }
    log(message) {
        this.options.log?.(message);
    }
    deadline() {
        const budget = this.options.operationTimeoutMs;
        return budget === undefined ? undefined : Date.now() + budget;
    }
    get base() {
        return new URL(`${this.scheme ?? 'https'}://${this.host}`);
    }
    resolve(target) {
        return new URL(target, this.base);
    }
    /** A call whose answer is small enough to hold: retried whole on 429, 5xx and resets. */
    async buffered(call, deadline) {
        await this.prepare(call.operation, call.scopes, deadline);
        return this.retrying(call.operation, deadline, async () => {
            const opened = await this.attempt(call, deadline);
            const body = await readAll(opened.body, BODY_LIMIT);
            if (isRetryableStatus(opened.status))
                throw this.retryable(opened, body);
            return { status: opened.status, headers: opened.headers, body };
        });
    }
    /** A call whose 2xx body is streamed to the caller; retried until the answer starts. */
    async streamed(call, deadline) {
        await this.prepare(call.operation, call.scopes, deadline);
        return this.retrying(call.operation, deadline, async () => {
            const opened = await this.attempt(call, deadline);
            if (opened.status >= 200 && opened.status <= 299)
                return opened;
            const body = await readAll(opened.body, ERROR_BODY_LIMIT);
            if (isRetryableStatus(opened.status))
                throw this.retryable(opened, body);
            throw this.error(call.operation, statusProblem(opened.status, body), opened.status);
        });
    }
    /**
     * Run `once` until it succeeds, fails for good, or the retries or the deadline run out.
     * Waits follow `retryDelay`; a RegistryError is final by construction.
     */
    async retrying(operation, deadline, once) {
        const retries = Math.max(0, this.options.retries ?? 4);
        for (let attempt = 0;; attempt++) {
            try {
                return await once();
            }
            catch (error) {
                if (error instanceof RegistryError)
                    throw error;
                const problem = error instanceof Retryable ? error.message : transportProblem(error);
                const status = error instanceof Retryable ? error.status : undefined;
                if (!(error instanceof Retryable) && !isRetryableError(error)) {
                    throw this.error(operation, problem, status);
                }
                const tries = `${attempt + 1} attempt${attempt === 0 ? '' : 's'}`;
                if (attempt >= retries) {
                    throw this.error(operation, `gave up after ${tries}: ${problem}`, status);
                }
                const delay = retryDelay(attempt, error instanceof Retryable ? error.retryAfter : undefined, this.options.random ?? Math.random, this.options.retryPolicy ?? DEFAULT_RETRY_POLICY);
                if (deadline !== undefined && Date.now() + delay >= deadline) {
                    throw this.error(operation, `gave up after ${tries}, as operationTimeoutMs (${this.options.operationTimeoutMs ?? 0} ms) leaves no time for another: ${problem}`, status);
                }
                this.log(`registry ${this.registry}: ${operation}: ${problem}; retry ${attempt + 1}/${retries} in ${delay} ms`);
                await (0,promises_.setTimeout)(delay);
            }
        }
    }
    /** Settle the protocol and auth scheme once (GET /v2/), and hold a token for `scopes`. */
    async prepare(operation, scopes, deadline) {
        this.pinged ??= this.retrying(`${operation} (GET /v2/)`, deadline, () => this.ping(deadline)).catch((error) => {
            this.pinged = undefined;
            throw error;
        });
        await this.pinged;
        const challenge = this.challenge;
        if (challenge?.scheme === 'bearer' && this.bearer(scopes) === undefined) {
            const key = scopesKey(scopes);
            let fetching = this.fetching.get(key);
            if (fetching === undefined) {
                fetching = this.retrying(`${operation} (token)`, deadline, () => this.fetchToken(challenge, scopes, scopes, deadline)).finally(() => this.fetching.delete(key));
                this.fetching.set(key, fetching);
            }
            await fetching;
        }
    }
    async ping(deadline) {
        const agents = await this.loadAgents();
        if (this.scheme === undefined && this.options.protocol !== undefined) {
            this.scheme = this.options.protocol;
        }
        if (this.scheme === undefined) {
            try {
                const opened = await this.exchange('GET', new URL(`https://${this.host}/v2/`), {}, undefined, false, deadline, agents);
                this.scheme = 'https';
                await this.readPing(opened);
                return;
            }
            catch (error) {
                if (this.scheme !== undefined ||
                    !isLoopback(this.host) ||
                    plainHttpSign(error) === undefined) {
                    throw error;
                }
                this.scheme = 'http';
                this.log(`registry ${this.registry}: answers in plain HTTP (TLS handshake: ${plainHttpSign(error)}); this client uses http://`);
            }
        }
        const opened = await this.exchange('GET', new URL(`${this.scheme}://${this.host}/v2/`), {}, undefined, false, deadline, agents);
        await this.readPing(opened);
    }
    async readPing(opened) {
        const body = await readAll(opened.body, ERROR_BODY_LIMIT);
        if (opened.status === 401) {
            this.challenge = preferredChallenge(header(opened.headers, 'www-authenticate') ?? '');
        }
        else if (REDIRECTS.has(opened.status)) {
            // docker.io sends its API root to the web site: what answers there is no registry,
            // and a 200 from it must never pass for "the blob exists".
            throw this.error('GET /v2/', `answered ${opened.status}, a redirect to ${header(opened.headers, 'location') ?? 'nowhere'}: ${this.host} does not serve the registry API`, opened.status);
        }
        else if (isRetryableStatus(opened.status)) {
            throw this.retryable(opened, body);
        }
        // Anything else (200, or a 404 from a registry without /v2/): requests will tell.
    }
    bearer(scopes) {
        const held = this.tokens.get(scopesKey(scopes));
        return held !== undefined && held.expiresAt > Date.now() ? held.token : undefined;
    }
    /** One token request; its failures are retried by the caller's loop. */
    async fetchToken(challenge, requested, cacheFor, deadline) {
        const credentials = this.options.credentials;
        const url = tokenUrl(challenge, requested, credentials?.username);
        const endpoint = `token endpoint ${url.origin}${url.pathname}`;
        const opened = await this.exchange('GET', url, credentials === undefined ? {} : { authorization: basic(credentials) }, undefined, false, deadline, await this.loadAgents());
        const body = await readAll(opened.body, ERROR_BODY_LIMIT);
        if (isRetryableStatus(opened.status)) {
            const failure = this.retryable(opened, body);
            throw new Retryable(`${endpoint} ${failure.message}`, failure.retryAfter, failure.status);
        }
        if (opened.status === 401 || opened.status === 403) {
            throw this.error(endpoint, credentials === undefined
                ? `refused anonymous access (${opened.status}); set \`username\`/\`password\` or log in so the auth file has them`
                : `refused the credentials of \`${credentials.username}\` (${opened.status}); check \`username\`/\`password\` or the auth file`, opened.status);
        }
        if (opened.status !== 200) {
            throw this.error(endpoint, statusProblem(opened.status, body), opened.status);
        }
        const answer = parseTokenAnswer(body.toString('utf8'));
        if (answer === undefined)
            throw this.error(endpoint, 'answered 200 without a token');
        // Renew a little early so a token never expires between check and use.
        const expiresAt = Date.now() + answer.expiresIn * 900;
        this.tokens.set(scopesKey(cacheFor), { token: answer.token, expiresAt });
    }
    /** What to send as Authorization: nothing to another host, so redirects never leak it. */
    authorization(url, scopes) {
        if (url.origin !== this.base.origin)
            return undefined;
        if (this.challenge?.scheme === 'bearer') {
            const token = this.bearer(scopes);
            return token === undefined ? undefined : `Bearer ${token}`;
        }
        const credentials = this.options.credentials;
        if (this.challenge?.scheme === 'basic' && credentials !== undefined)
            return basic(credentials);
        return undefined;
    }
    /** One try: answers a 401 challenge once and follows redirects; never retries by itself. */
    async attempt(call, deadline) {
        const agents = await this.loadAgents();
        const replayable = call.body === undefined || Buffer.isBuffer(call.body);
        let url = this.resolve(call.target);
        for (let hop = 0;; hop++) {
            const send = (authorization) => this.exchange(call.method, url, { ...call.headers, ...(authorization === undefined ? {} : { authorization }) }, call.body, call.streaming ?? false, deadline, agents);
            const sent = this.authorization(url, call.scopes);
            let opened = await send(sent);
            if (opened.status === 401 && url.origin === this.base.origin) {
                await readAll(opened.body, ERROR_BODY_LIMIT);
                await this.answerChallenge(call, opened, sent, deadline);
                if (!replayable) {
                    throw new Retryable('the registry asked to authenticate again in the middle of an upload');
                }
                opened = await send(this.authorization(url, call.scopes));
                if (opened.status === 401) {
                    await readAll(opened.body, ERROR_BODY_LIMIT);
                    throw this.refused(call.operation);
                }
            }
            const location = header(opened.headers, 'location');
            if (call.followRedirects !== true ||
                !REDIRECTS.has(opened.status) ||
                location === undefined) {
                return opened;
            }
            discard(opened.body);
            if (hop >= MAX_REDIRECTS) {
                throw this.error(call.operation, `redirected more than ${MAX_REDIRECTS} times`);
            }
            url = new URL(location, url);
        }
    }
    async answerChallenge(call, opened, sentAuthorization, deadline) {
        const given = header(opened.headers, 'www-authenticate') ?? '';
        const challenge = preferredChallenge(given);
        if (challenge === undefined) {
            throw this.error(call.operation, `answered 401 with no challenge we can answer (WWW-Authenticate: ${given || 'none'})`, 401);
        }
        this.challenge = challenge;
        if (challenge.scheme === 'basic') {
            if (sentAuthorization?.startsWith('Basic ') === true)
                throw this.refused(call.operation);
            return;
        }
        await this.fetchToken(challenge, [...call.scopes, ...(challenge.scope === undefined ? [] : [challenge.scope])], call.scopes, deadline);
    }
    refused(operation) {
        return this.error(operation, this.options.credentials === undefined
            ? 'needs credentials and none were given (401); set `username`/`password` or log in so the auth file has them'
            : 'refused the credentials (401); check `username`/`password` or the auth file', 401);
    }
    loadAgents() {
        this.agents ??= containersCa([this.registry, this.host]).then(found => {
            const ca = [...(this.options.ca ?? []), ...found];
            return {
                http: new (external_node_http_default()).Agent({ keepAlive: true }),
                https: new (external_node_https_default()).Agent({
                    keepAlive: true,
                    ...(ca.length > 0 ? { ca: [...(external_node_tls_default()).rootCertificates, ...ca] } : {})
                })
            };
        });
        return this.agents;
    }
    exchange(method, url, headers, body, streaming, deadline, agents) {
        const timeoutMs = this.options.timeoutMs ?? 30_000;
        const now = Date.now();
        if (deadline !== undefined && deadline <= now) {
            return Promise.reject(new TransportError('ETIMEDOUT', `operationTimeoutMs (${this.options.operationTimeoutMs ?? 0} ms) is used up`));
        }
        const perRequest = streaming ? undefined : now + timeoutMs;
        const end = deadline === undefined
            ? perRequest
            : Math.min(perRequest ?? Number.POSITIVE_INFINITY, deadline);
        const deadlineName = end === perRequest
            ? `timeoutMs (${timeoutMs} ms)`
            : `operationTimeoutMs (${this.options.operationTimeoutMs ?? 0} ms)`;
        return transport_open({
            method,
            url,
            headers,
            ...(body === undefined ? {} : { body }),
            agent: url.protocol === 'https:' ? agents.https : agents.http,
            idleTimeoutMs: Math.min(timeoutMs, deadline === undefined ? timeoutMs : deadline - now),
            ...(end === undefined ? {} : { deadline: end, deadlineName })
        });
    }
}

;// CONCATENATED MODULE: ./src/registry/upload.ts





/** Chunks of large uploads; blobs up to this size go in one request. */
const DEFAULT_CHUNK_BYTES = 32 * 1024 * 1024;
/** How often one chunked upload may resume before the attempt fails as a whole. */
const MAX_RESUMES = 8;
/** Upload one blob into `toRepository`, starting at `firstLocation` when a session is open. */
async function upload(session, operation, source, toRepository, digest, firstLocation, deadline) {
    const chunkBytes = session.options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
    const size = source.seekable ? source.size : undefined;
    let location = firstLocation;
    await session.retrying(operation, deadline, async () => {
        const start = location ?? (await startUpload(session, operation, toRepository, deadline));
        // A failed attempt may have spoiled the session; the next one opens its own.
        location = undefined;
        if (size !== undefined && size > chunkBytes) {
            const target = { repository: toRepository, digest, size, chunkBytes };
            await sendChunks(session, operation, start, target, source, deadline);
            return;
        }
        const blob = await source.open(0);
        try {
            await sendWhole(session, operation, start, toRepository, digest, blob, deadline);
        }
        finally {
            blob.body.destroy();
        }
    });
}
async function startUpload(session, operation, repository, deadline) {
    const response = await session.buffered({
        operation: `${operation} (POST upload)`,
        method: 'POST',
        target: `/v2/${repository}/blobs/uploads/`,
        headers: { 'content-length': '0' },
        scopes: [pushScope(repository)]
    }, deadline);
    const location = header(response.headers, 'location');
    if (response.status !== 202 || location === undefined) {
        throw session.error(operation, `starting the upload ${statusProblem(response.status, response.body)}`, response.status);
    }
    return session.resolve(location);
}
/** One try at sending the bytes in one request; the caller retries the whole transfer. */
async function sendWhole(session, operation, location, repository, digest, blob, deadline) {
    const scopes = [pushScope(repository)];
    let closing = location;
    if (blob.size === undefined) {
        const patched = await session.attempt({
            operation,
            method: 'PATCH',
            target: location,
            headers: { 'content-type': 'application/octet-stream' },
            body: blob.body,
            scopes,
            streaming: true
        }, deadline);
        const answer = await readAll(patched.body, ERROR_BODY_LIMIT);
        const next = header(patched.headers, 'location');
        if (patched.status !== 202 || next === undefined) {
            failedUpload(session, operation, patched, answer);
        }
        closing = session.resolve(next);
    }
    await closeUpload(session, operation, closing, repository, digest, blob.size === undefined ? undefined : blob, deadline);
}
/** PUT `?digest=`: with the bytes (a monolithic upload) or without (after PATCHes). */
async function closeUpload(session, operation, location, repository, digest, blob, deadline) {
    const url = new URL(location);
    url.searchParams.set('digest', digest);
    const put = await session.attempt({
        operation,
        method: 'PUT',
        target: url,
        headers: {
            'content-type': 'application/octet-stream',
            'content-length': String(blob?.size ?? 0)
        },
        ...(blob === undefined ? {} : { body: blob.body }),
        scopes: [pushScope(repository)],
        streaming: true
    }, deadline);
    const answer = await readAll(put.body, ERROR_BODY_LIMIT);
    if (put.status !== 201)
        failedUpload(session, operation, put, answer);
}
/**
 * PATCH the bytes chunk by chunk, each with its Content-Range. A chunk whose connection
 * drops is not sent again blindly: the registry says (GET on the upload) how many bytes it
 * holds, and the upload goes on from there.
 */
async function sendChunks(session, operation, start, target, source, deadline) {
    const { repository, digest, size, chunkBytes } = target;
    const scopes = [pushScope(repository)];
    let location = start;
    let offset = 0;
    let resumes = 0;
    while (offset < size) {
        const end = Math.min(offset + chunkBytes, size);
        try {
            const chunk = await source.open(offset, end);
            let patched;
            try {
                patched = await session.attempt({
                    operation: `${operation} (bytes ${offset}-${end - 1} of ${size})`,
                    method: 'PATCH',
                    target: location,
                    headers: {
                        'content-type': 'application/octet-stream',
                        'content-range': `${offset}-${end - 1}`,
                        'content-length': String(end - offset)
                    },
                    body: chunk.body,
                    scopes,
                    streaming: true
                }, deadline);
            }
            finally {
                chunk.body.destroy();
            }
            const answer = await readAll(patched.body, ERROR_BODY_LIMIT);
            const next = header(patched.headers, 'location');
            if (patched.status !== 202 || next === undefined) {
                // 416: the registry holds another amount than we thought; ask it, as after a drop.
                if (patched.status !== 416)
                    failedUpload(session, operation, patched, answer);
                throw new Retryable(statusProblem(patched.status, answer), undefined, patched.status);
            }
            location = session.resolve(next);
            offset = end;
        }
        catch (error) {
            const resumable = error instanceof Retryable || isRetryableError(error);
            if (!resumable || resumes >= MAX_RESUMES)
                throw error;
            resumes++;
            const held = await uploadStatus(session, operation, location, repository, deadline);
            session.log(`registry ${session.registry}: ${operation}: the chunk at ${offset} failed; the registry holds ${held.offset} of ${size} bytes, resuming there (${resumes}/${MAX_RESUMES})`);
            location = held.location;
            offset = held.offset;
        }
    }
    await closeUpload(session, operation, location, repository, digest, undefined, deadline);
}
/** How many bytes an open upload holds, from the `Range: 0-N` of a GET on it. */
async function uploadStatus(session, operation, location, repository, deadline) {
    const response = await session.buffered({
        operation: `${operation} (upload status)`,
        method: 'GET',
        target: location,
        scopes: [pushScope(repository)]
    }, deadline);
    if (response.status !== 204 && response.status !== 200) {
        // A registry may cancel an upload cut off mid-chunk; then only a new one will do.
        session.log(`registry ${session.registry}: ${operation}: the registry no longer has the upload (${statusProblem(response.status, response.body)}); starting it again`);
        throw new Retryable(`the upload was dropped by the registry (${response.status})`, undefined, response.status);
    }
    return {
        offset: heldBytes(header(response.headers, 'range')),
        location: session.resolve(header(response.headers, 'location') ?? location)
    };
}
/**
 * Bytes held by an upload whose status says `Range: 0-N` (N inclusive). Registries answer
 * `0-0` for an empty upload too, so it counts as nothing: at worst one byte is sent again.
 */
function heldBytes(range) {
    const match = /^(?:bytes=)?0-(\d+)$/.exec(range?.trim() ?? '');
    if (match?.[1] === undefined)
        return 0;
    const last = Number(match[1]);
    return last === 0 ? 0 : last + 1;
}
function failedUpload(session, operation, opened, body) {
    if (isRetryableStatus(opened.status))
        throw session.retryable(opened, body);
    throw session.error(operation, statusProblem(opened.status, body), opened.status);
}

;// CONCATENATED MODULE: ./src/registry/client.ts









const MANIFEST_ACCEPT = Object.values(oci/* MEDIA_TYPES */.Z2).join(', ');
/** Answers to a mount that mean "not here": upload the bytes instead. */
const MOUNT_REFUSALS = new Set([401, 403, 404, 405]);
// The distribution grammar of a repository path, as in ../reference.ts.
const REPOSITORY = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
/** `repo:tag` or `repo@sha256:...`, as errors name what they were about. */
function named(repository, reference) {
    return (0,registry_digest/* isDigest */.Bc)(reference) ? `${repository}@${reference}` : `${repository}:${reference}`;
}
class RegistryClient {
    session;
    constructor(registry, options = {}) {
        this.session = new RegistrySession(registry, options);
    }
    /** The registry's name, as references spell it. */
    get registry() {
        return this.session.registry;
    }
    /** The protocol this client settled on (after its first request), or undefined before. */
    get protocol() {
        return this.session.protocol;
    }
    /** Drop pooled connections; the client stays usable and reconnects on demand. */
    close() {
        this.session.close();
    }
    async getManifest(reference) {
        const name = reference.digest ?? reference.tag ?? 'latest';
        const operation = `GET manifest ${named(reference.repository, name)}`;
        const response = await this.session.buffered({
            operation,
            method: 'GET',
            target: `/v2/${reference.repository}/manifests/${name}`,
            headers: { accept: MANIFEST_ACCEPT },
            scopes: [pullScope(reference.repository)]
        }, this.session.deadline());
        if (response.status === 404) {
            throw this.session.error(operation, `does not exist; ${statusProblem(404, response.body)}`, 404);
        }
        if (response.status !== 200) {
            throw this.session.error(operation, statusProblem(response.status, response.body), response.status);
        }
        const digest = (0,registry_digest/* digestOf */.ol)(response.body, reference.digest === undefined ? 'sha256' : (0,registry_digest/* digestAlgorithm */.g4)(reference.digest));
        if (reference.digest !== undefined && reference.digest !== digest) {
            throw this.session.error(operation, `served bytes for ${reference.digest} hash to ${digest}`);
        }
        const headerDigest = header(response.headers, 'docker-content-digest');
        if (headerDigest !== undefined && headerDigest !== digest) {
            throw this.session.error(operation, `says ${headerDigest} but the bytes hash to ${digest}`);
        }
        let parsed;
        try {
            parsed = JSON.parse(response.body.toString('utf8'));
        }
        catch (error) {
            throw this.session.error(operation, `served a manifest that is not JSON: ${transportProblem(error)}`);
        }
        const mediaType = typeof parsed.mediaType === 'string'
            ? parsed.mediaType
            : (header(response.headers, 'content-type') ?? '');
        return { mediaType, digest, raw: response.body };
    }
    /** Whether a tag or digest exists (404 is an answer, not an error). */
    async hasManifest(reference) {
        const name = reference.digest ?? reference.tag ?? 'latest';
        const operation = `HEAD manifest ${named(reference.repository, name)}`;
        const response = await this.session.buffered({
            operation,
            method: 'HEAD',
            target: `/v2/${reference.repository}/manifests/${name}`,
            headers: { accept: MANIFEST_ACCEPT },
            scopes: [pullScope(reference.repository)]
        }, this.session.deadline());
        if (response.status === 404)
            return false;
        if (response.status === 200)
            return true;
        throw this.session.error(operation, statusProblem(response.status), response.status);
    }
    /**
     * Store `body` under a tag or its digest and return its digest, checked against the one
     * the registry reports. Blobs and child manifests must be in the repository already.
     */
    async putManifest(repository, reference, body, mediaType) {
        const operation = `PUT manifest ${named(repository, reference)}`;
        this.checkRepository(operation, repository);
        if (!(0,registry_digest/* isDigest */.Bc)(reference) && !(0,registry_digest/* isTag */.dz)(reference)) {
            throw this.session.error(operation, `\`${reference}\` is neither a tag ([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}) nor a digest (sha256:<64 hex>)`);
        }
        const digest = (0,registry_digest/* digestOf */.ol)(body, (0,registry_digest/* isDigest */.Bc)(reference) ? (0,registry_digest/* digestAlgorithm */.g4)(reference) : 'sha256');
        if ((0,registry_digest/* isDigest */.Bc)(reference) && reference !== digest) {
            throw this.session.error(operation, `the bytes hash to ${digest}, not ${reference}; put a manifest under its own digest`);
        }
        const response = await this.session.buffered({
            operation,
            method: 'PUT',
            target: `/v2/${repository}/manifests/${reference}`,
            headers: { 'content-type': mediaType, 'content-length': String(body.length) },
            body,
            scopes: [pushScope(repository)]
        }, this.session.deadline());
        if (response.status < 200 || response.status > 299) {
            throw this.session.error(operation, statusProblem(response.status, response.body), response.status);
        }
        const stored = header(response.headers, 'docker-content-digest');
        if (stored !== undefined &&
            (0,registry_digest/* digestAlgorithm */.g4)(stored) === (0,registry_digest/* digestAlgorithm */.g4)(digest) &&
            stored !== digest) {
            throw this.session.error(operation, `says it stored ${stored}, but the bytes sent hash to ${digest}`);
        }
        return digest;
    }
    /** Delete a manifest by digest; false when it was not there. */
    async deleteManifest(repository, digest) {
        const operation = `DELETE manifest ${named(repository, digest)}`;
        this.checkRepository(operation, repository);
        this.checkDigest(operation, digest);
        const response = await this.session.buffered({
            operation,
            method: 'DELETE',
            target: `/v2/${repository}/manifests/${digest}`,
            scopes: [pushScope(repository)]
        }, this.session.deadline());
        if (response.status === 404)
            return false;
        if (response.status >= 200 && response.status <= 299)
            return true;
        throw this.session.error(operation, statusProblem(response.status, response.body), response.status);
    }
    async hasBlob(repository, digest) {
        return this.blobExists(repository, digest, this.session.deadline());
    }
    /**
     * The blob's bytes as a stream, following redirects to storage (without our credentials
     * when the host differs). The stream fails at its end if the bytes do not match `digest`.
     */
    async getBlob(repository, digest) {
        const operation = `GET blob ${named(repository, digest)}`;
        const blob = await this.openBlob(repository, digest, operation, this.session.deadline(), error => error instanceof RegistryError
            ? error
            : this.session.error(operation, transportProblem(error)));
        return blob.body;
    }
    /** A small JSON blob (an image config), checked against its digest and parsed. */
    async getBlobJson(repository, digest) {
        const operation = `GET blob ${named(repository, digest)}`;
        this.checkRepository(operation, repository);
        this.checkDigest(operation, digest);
        const response = await this.session.buffered({
            operation,
            method: 'GET',
            target: `/v2/${repository}/blobs/${digest}`,
            scopes: [pullScope(repository)],
            followRedirects: true
        }, this.session.deadline());
        if (response.status !== 200) {
            throw this.session.error(operation, statusProblem(response.status, response.body), response.status);
        }
        const actual = (0,registry_digest/* digestOf */.ol)(response.body, (0,registry_digest/* digestAlgorithm */.g4)(digest));
        if (actual !== digest)
            throw this.session.error(operation, `served bytes that hash to ${actual}`);
        try {
            return JSON.parse(response.body.toString('utf8'));
        }
        catch (error) {
            throw this.session.error(operation, `is not JSON: ${transportProblem(error)}`);
        }
    }
    /**
     * Link a blob from one repository into another without moving its bytes. A registry may
     * refuse: with 202 it opened an upload instead, with 401, 403, 404 or 405 it will not mount
     * at all (GHCR and Docker Hub refuse mounts across namespaces); either way the bytes are
     * then copied through us.
     */
    async mountBlob(fromRepository, toRepository, digest) {
        const operation = `mount blob ${digest} from ${fromRepository} into ${toRepository}`;
        this.checkRepository(operation, fromRepository);
        this.checkRepository(operation, toRepository);
        this.checkDigest(operation, digest);
        const deadline = this.session.deadline();
        const query = new URLSearchParams({ mount: digest, from: fromRepository });
        let response;
        try {
            response = await this.session.buffered({
                operation,
                method: 'POST',
                target: `/v2/${toRepository}/blobs/uploads/?${query.toString()}`,
                headers: { 'content-length': '0' },
                scopes: [pushScope(toRepository), pullScope(fromRepository)]
            }, deadline);
        }
        catch (error) {
            // A token that may push here but not read the source ends in a refusal, not a mount.
            if (!(error instanceof RegistryError) || !MOUNT_REFUSALS.has(error.status ?? 0))
                throw error;
            response = { status: error.status ?? 401, headers: {}, body: Buffer.alloc(0) };
        }
        if (response.status === 201)
            return 'mounted';
        if (response.status !== 202 && !MOUNT_REFUSALS.has(response.status)) {
            throw this.session.error(operation, statusProblem(response.status, response.body), response.status);
        }
        this.session.log(`registry ${this.registry}: ${operation}: refused (${response.status}); copying the bytes instead`);
        const location = response.status === 202 ? header(response.headers, 'location') : undefined;
        await upload(this.session, `copy blob ${digest} from ${fromRepository} to ${toRepository}`, this.registrySource(fromRepository, digest, `copy blob ${digest}`, deadline), toRepository, digest, location === undefined ? undefined : this.session.resolve(location), deadline);
        return 'copied';
    }
    /**
     * Stream a blob from `fromRepository` (of `source`, this registry by default) into
     * `toRepository` with a monolithic PUT (or PATCH + PUT when its size is unknown);
     * a failed transfer starts over from a fresh GET. 'present' when already there.
     */
    async copyBlob(fromRepository, toRepository, digest, source = this) {
        const from = source === this ? fromRepository : `${source.registry}/${fromRepository}`;
        const operation = `copy blob ${digest} from ${from} to ${toRepository}`;
        this.checkRepository(operation, toRepository);
        const deadline = this.session.deadline();
        if (await this.blobExists(toRepository, digest, deadline))
            return 'present';
        await upload(this.session, operation, source.registrySource(fromRepository, digest, operation, deadline), toRepository, digest, undefined, deadline);
        return 'copied';
    }
    async blobExists(repository, digest, deadline) {
        const operation = `HEAD blob ${named(repository, digest)}`;
        this.checkRepository(operation, repository);
        this.checkDigest(operation, digest);
        const response = await this.session.buffered({
            operation,
            method: 'HEAD',
            target: `/v2/${repository}/blobs/${digest}`,
            scopes: [pullScope(repository)],
            followRedirects: true
        }, deadline);
        if (response.status === 404)
            return false;
        if (response.status === 200)
            return true;
        throw this.session.error(operation, statusProblem(response.status), response.status);
    }
    async openBlob(repository, digest, operation, deadline, describe = error => error) {
        this.checkRepository(operation, repository);
        this.checkDigest(operation, digest);
        const opened = await this.session.streamed({
            operation,
            method: 'GET',
            target: `/v2/${repository}/blobs/${digest}`,
            scopes: [pullScope(repository)],
            followRedirects: true,
            streaming: true
        }, deadline);
        const response = opened.body;
        const verified = (0,registry_digest/* verifyingStream */.oP)(digest, actual => this.session.error(operation, `served bytes that hash to ${actual}`));
        response.on('error', (error) => verified.destroy(describe(error)));
        verified.on('close', () => {
            if (!response.complete)
                response.destroy();
        });
        response.pipe(verified);
        const length = Number(header(opened.headers, 'content-length'));
        return {
            body: verified,
            size: Number.isSafeInteger(length) && length >= 0 ? length : undefined
        };
    }
    /**
     * Upload a blob from local bytes (a file of an OCI layout). `open(start, end)` is called
     * once per attempt or chunk, since a stream can be read only once; a large blob goes in
     * chunks that resume where the registry says it got to. 'present' when it is there.
     */
    async uploadBlob(repository, digest, size, open) {
        const operation = `upload blob ${named(repository, digest)}`;
        this.checkRepository(operation, repository);
        const deadline = this.session.deadline();
        if (await this.blobExists(repository, digest, deadline))
            return 'present';
        const source = {
            seekable: true,
            size,
            open: (start, end = size) => {
                const body = open(start, end);
                if (start !== 0 || end !== size)
                    return Promise.resolve({ body, size: end - start });
                // Whole, the bytes are checked on the way; chunks are checked by the registry's PUT.
                const verified = (0,registry_digest/* verifyingStream */.oP)(digest, actual => this.session.error(operation, `local bytes hash to ${actual}`));
                body.on('error', (error) => verified.destroy(error));
                body.pipe(verified);
                return Promise.resolve({ body: verified, size });
            }
        };
        await upload(this.session, operation, source, repository, digest, undefined, deadline);
        return 'uploaded';
    }
    /** A blob of this registry as an upload's source: read from the start on every attempt. */
    registrySource(repository, digest, operation, deadline) {
        return {
            seekable: false,
            size: undefined,
            open: () => this.openBlob(repository, digest, operation, deadline)
        };
    }
    checkRepository(operation, repository) {
        if (!REPOSITORY.test(repository)) {
            throw this.session.error(operation, `\`${repository}\` is not a repository name (lowercase letters, digits and . _ - separators, parts joined by /)`);
        }
    }
    checkDigest(operation, digest) {
        if (!(0,registry_digest/* isDigest */.Bc)(digest)) {
            throw this.session.error(operation, `\`${digest}\` is not a digest (sha256:<64 hex>)`);
        }
    }
}


/***/ }),

/***/ 3653:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Ns: () => (/* binding */ DOCKER_HUB_SERVER),
/* harmony export */   i5: () => (/* binding */ credentialsFromAuthFiles),
/* harmony export */   pB: () => (/* binding */ authFilePaths),
/* harmony export */   tB: () => (/* binding */ basicAuth)
/* harmony export */ });
/* unused harmony exports authKeyHost, credentialsFromAuthJson, helperFor, credentialsFromHelperAnswer, runHelper */
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1421);
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_child_process__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(1455);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_fs_promises__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(8161);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_os__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_3___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_3__);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(3916);





/** Auth files as docker and podman/buildah write them, in the order those tools read them. */
function authFilePaths(env = process.env) {
    const files = [];
    if (env.REGISTRY_AUTH_FILE)
        files.push(env.REGISTRY_AUTH_FILE);
    if (env.XDG_RUNTIME_DIR)
        files.push(node_path__WEBPACK_IMPORTED_MODULE_3___default().join(env.XDG_RUNTIME_DIR, 'containers', 'auth.json'));
    files.push(node_path__WEBPACK_IMPORTED_MODULE_3___default().join(env.DOCKER_CONFIG ?? node_path__WEBPACK_IMPORTED_MODULE_3___default().join((0,node_os__WEBPACK_IMPORTED_MODULE_2__.homedir)(), '.docker'), 'config.json'));
    return files;
}
const DOCKER_HUB_KEYS = ['docker.io', 'index.docker.io', 'registry-1.docker.io'];
/** The key Docker Hub's credentials live under in auth files, helpers and stores: the v1 index URL. */
const DOCKER_HUB_SERVER = 'https://index.docker.io/v1/';
/** `base64(user:password)`: an auth file's `auth` field, and Basic authentication's value. */
function basicAuth(credentials) {
    return Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64');
}
/**
 * The registry host an `auths` key stands for: docker writes URLs such as
 * `https://index.docker.io/v1/`, podman bare hosts; podman's `host/namespace` keys cover
 * one repository subtree, not the registry, so they stand for none.
 */
function authKeyHost(key) {
    const schemeless = key.replace(/^https?:\/\//i, '');
    const slash = schemeless.indexOf('/');
    if (slash === -1)
        return schemeless.toLowerCase();
    if (schemeless === key)
        return undefined;
    return schemeless.slice(0, slash).toLowerCase();
}
/** `auths[registry].auth` is base64 of `user:password`; Docker Hub has its legacy keys. */
function credentialsFromAuthJson(text, registry) {
    const parsed = JSON.parse(text);
    const wanted = registry === 'docker.io' ? DOCKER_HUB_KEYS : [registry.toLowerCase()];
    const entries = Object.entries(parsed.auths ?? {});
    // An exact key wins over a normalised one, as docker looks the exact key up first.
    const ordered = [
        ...entries.filter(([key]) => wanted.includes(key)),
        ...entries.filter(([key]) => {
            const host = authKeyHost(key);
            return host !== undefined && wanted.includes(host) && !wanted.includes(key);
        })
    ];
    for (const [, entry] of ordered) {
        const encoded = entry?.auth;
        if (typeof encoded !== 'string' || encoded === '')
            continue;
        const decoded = Buffer.from(encoded, 'base64').toString('utf8');
        // Only the first colon separates: passwords and tokens may contain more.
        const colon = decoded.indexOf(':');
        if (colon > 0)
            return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
    }
    return undefined;
}
/**
 * Which credential helper a config names for a registry, and the server name to ask it for:
 * `credHelpers` for that registry first, then `credsStore` for every registry, as docker does.
 */
function helperFor(config, registry) {
    const hub = registry === 'docker.io';
    const helpers = typeof config.credHelpers === 'object' && config.credHelpers !== null
        ? config.credHelpers
        : {};
    for (const key of hub ? [DOCKER_HUB_SERVER, ...DOCKER_HUB_KEYS] : [registry.toLowerCase()]) {
        const helper = helpers[key];
        if (typeof helper === 'string' && helper !== '')
            return { helper, server: key };
    }
    if (typeof config.credsStore === 'string' && config.credsStore !== '') {
        return { helper: config.credsStore, server: hub ? DOCKER_HUB_SERVER : registry };
    }
    return undefined;
}
/** Read a helper's `get` answer: `{"ServerURL", "Username", "Secret"}`. */
function credentialsFromHelperAnswer(text, helper, server) {
    let answer;
    try {
        answer = JSON.parse(text);
    }
    catch {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_4__/* .ActionError */ .lZ(`credential helper docker-credential-${helper} answered for ${server} with something that is not JSON`);
    }
    const username = typeof answer.Username === 'string' ? answer.Username : '';
    const secret = typeof answer.Secret === 'string' ? answer.Secret : '';
    if (secret === '')
        return undefined;
    if (username === '<token>') {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_4__/* .ActionError */ .lZ(`credential helper docker-credential-${helper} holds an identity token for ${server}, which this action cannot exchange yet`, 'Give `username` and `password` (a token the registry takes as a password)');
    }
    return { username, password: secret };
}
/** The real helper: a program on PATH, given 30 s. "Not found" answers exit non-zero. */
const runHelper = (helper, server) => new Promise((resolve, reject) => {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(helper)) {
        reject(new _errors_js__WEBPACK_IMPORTED_MODULE_4__/* .ActionError */ .lZ(`credential helper name \`${helper}\` is not a program name`));
        return;
    }
    const child = (0,node_child_process__WEBPACK_IMPORTED_MODULE_0__.execFile)(`docker-credential-${helper}`, ['get'], { timeout: 30_000, maxBuffer: 1024 * 1024 }, (error, stdout) => {
        const code = error?.code;
        if (code === 'ENOENT') {
            reject(new _errors_js__WEBPACK_IMPORTED_MODULE_4__/* .ActionError */ .lZ(`the docker config names credential helper \`${helper}\`, but docker-credential-${helper} is not on PATH`, 'Install it before this step, or give `username`/`password`'));
            return;
        }
        // Helpers exit 1 with "credentials not found" when they hold nothing for the server.
        resolve(error === null ? stdout : undefined);
    });
    child.stdin?.end(server);
});
async function credentialsFromAuthFiles(registry, files, helpers = runHelper) {
    for (const file of files) {
        let text;
        try {
            text = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.readFile)(file, 'utf8');
        }
        catch {
            continue;
        }
        let config;
        let found;
        try {
            config = JSON.parse(text);
            found = credentialsFromAuthJson(text, registry);
        }
        catch (error) {
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_4__/* .ActionError */ .lZ(`auth file ${file} is not valid JSON (${error instanceof Error ? error.message : String(error)})`, 'Fix or remove it, or give `username`/`password`');
        }
        // A helper for this registry (or a store for all) holds the secret; `auths` only a placeholder.
        const named = helperFor(config, registry);
        if (named !== undefined) {
            const answer = await helpers(named.helper, named.server);
            const fromHelper = answer === undefined
                ? undefined
                : credentialsFromHelperAnswer(answer, named.helper, named.server);
            if (fromHelper !== undefined)
                return fromHelper;
        }
        if (found !== undefined)
            return found;
    }
    return undefined;
}


/***/ }),

/***/ 5035:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Bc: () => (/* binding */ isDigest),
/* harmony export */   dz: () => (/* binding */ isTag),
/* harmony export */   g4: () => (/* binding */ digestAlgorithm),
/* harmony export */   oP: () => (/* binding */ verifyingStream),
/* harmony export */   ol: () => (/* binding */ digestOf)
/* harmony export */ });
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_stream__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(7075);
/* harmony import */ var node_stream__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_stream__WEBPACK_IMPORTED_MODULE_1__);
/** Content digests: computing, checking, and checking a stream as it passes. */


const DIGEST = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;
const TAG = /^[\w][\w.-]{0,127}$/;
function isDigest(text) {
    return DIGEST.test(text);
}
function isTag(text) {
    return TAG.test(text);
}
function digestAlgorithm(digest) {
    return digest.startsWith('sha512:') ? 'sha512' : 'sha256';
}
function digestOf(bytes, algorithm = 'sha256') {
    return `${algorithm}:${(0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHash)(algorithm).update(bytes).digest('hex')}`;
}
/**
 * A pass-through that hashes what flows and fails at the end if the bytes are not the
 * ones `digest` names, so a consumer never mistakes a corrupt or truncated blob for a good one.
 */
function verifyingStream(digest, mismatch) {
    const algorithm = digestAlgorithm(digest);
    const hash = (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHash)(algorithm);
    return new node_stream__WEBPACK_IMPORTED_MODULE_1__.Transform({
        transform(chunk, _encoding, callback) {
            hash.update(chunk);
            callback(null, chunk);
        },
        flush(callback) {
            const actual = `${algorithm}:${hash.digest('hex')}`;
            callback(actual === digest ? null : mismatch(actual));
        }
    });
}


/***/ }),

/***/ 7853:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $f: () => (/* binding */ layoutBlobs),
/* harmony export */   Df: () => (/* binding */ annotateLayoutIndex),
/* harmony export */   Et: () => (/* binding */ joinLayouts),
/* harmony export */   T4: () => (/* binding */ readLayout),
/* harmony export */   nD: () => (/* binding */ blobPath)
/* harmony export */ });
/* unused harmony exports annotatedIndex, indexOver */
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1455);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs_promises__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var _annotations_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(105);
/* harmony import */ var _platform_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(3728);
/* harmony import */ var _oci_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(5526);
/* harmony import */ var _digest_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(5035);






function blobPath(dir, digest) {
    const [algorithm = '', hex = ''] = digest.split(':');
    if (!/^(sha256|sha512)$/.test(algorithm) || !/^[a-f0-9]+$/.test(hex)) {
        throw new Error(`${digest} is not a digest`);
    }
    return node_path__WEBPACK_IMPORTED_MODULE_1___default().join(dir, 'blobs', algorithm, hex);
}
async function readManifest(dir, descriptor) {
    const bytes = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.readFile)(blobPath(dir, descriptor.digest));
    const parsed = JSON.parse(bytes.toString('utf8'));
    return {
        digest: descriptor.digest,
        mediaType: parsed.mediaType ?? descriptor.mediaType ?? _oci_js__WEBPACK_IMPORTED_MODULE_4__/* .MEDIA_TYPES */ .Z2.ociManifest,
        bytes,
        platform: (0,_platform_js__WEBPACK_IMPORTED_MODULE_3__/* .descriptorPlatformName */ .gh)(descriptor.platform),
        attestation: (0,_oci_js__WEBPACK_IMPORTED_MODULE_4__/* .isAttestation */ .H3)(descriptor),
        subject: descriptor.annotations?.[_oci_js__WEBPACK_IMPORTED_MODULE_4__/* .ATTESTATION_SUBJECT */ ._L],
        config: parsed.config,
        layers: parsed.layers
    };
}
/**
 * Read the image an OCI layout holds (`index.json` naming one index or manifest), as
 * `buildah manifest push --all LIST oci:DIR` writes it.
 */
async function readLayout(dir) {
    const top = JSON.parse(await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.readFile)(node_path__WEBPACK_IMPORTED_MODULE_1___default().join(dir, 'index.json'), 'utf8'));
    const [entry, ...others] = top.manifests ?? [];
    if (entry === undefined || others.length > 0) {
        throw new Error(`the OCI layout in ${dir} should name exactly one image`);
    }
    const bytes = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.readFile)(blobPath(dir, entry.digest));
    if (!(0,_oci_js__WEBPACK_IMPORTED_MODULE_4__/* .isIndexMediaType */ .$$)(entry.mediaType)) {
        const manifest = await readManifest(dir, entry);
        return {
            dir,
            digest: entry.digest,
            mediaType: manifest.mediaType,
            bytes,
            manifests: [manifest]
        };
    }
    const index = JSON.parse(bytes.toString('utf8'));
    const manifests = await Promise.all((index.manifests ?? []).map(child => readManifest(dir, child)));
    return {
        dir,
        digest: entry.digest,
        mediaType: index.mediaType ?? entry.mediaType ?? _oci_js__WEBPACK_IMPORTED_MODULE_4__/* .MEDIA_TYPES */ .Z2.ociIndex,
        bytes,
        manifests
    };
}
/** Every blob of the image, each once, with the file that holds it. */
async function layoutBlobs(image) {
    const seen = new Map();
    for (const manifest of image.manifests) {
        for (const blob of [manifest.config, ...manifest.layers]) {
            if (seen.has(blob.digest))
                continue;
            const file = blobPath(image.dir, blob.digest);
            const size = (await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.stat)(file)).size;
            if (size !== blob.size)
                throw new Error(`${file} is ${size} bytes, its manifest says ${blob.size}`);
            seen.set(blob.digest, { ...blob, file });
        }
    }
    return [...seen.values()];
}
/**
 * Pure: the index with index-level annotations added and each entry's descriptor annotations
 * (by its platform) merged into it, keys sorted; the same input gives the same bytes.
 * Undefined when there is nothing to add.
 */
function annotatedIndex(indexBytes, annotations) {
    const index = (0,_annotations_js__WEBPACK_IMPORTED_MODULE_2__/* .annotationsAt */ .wv)(annotations, 'index');
    const hasDescriptors = annotations.some(annotation => annotation.level === 'manifest-descriptor');
    if (Object.keys(index).length === 0 && !hasDescriptors)
        return undefined;
    const parsed = JSON.parse(indexBytes.toString('utf8'));
    const manifests = (parsed.manifests ?? []).map(entry => {
        // Attestations describe an image; they are not one of the platform entries.
        if ((0,_oci_js__WEBPACK_IMPORTED_MODULE_4__/* .isAttestation */ .H3)(entry))
            return entry;
        const added = (0,_annotations_js__WEBPACK_IMPORTED_MODULE_2__/* .annotationsAt */ .wv)(annotations, 'manifest-descriptor', (0,_platform_js__WEBPACK_IMPORTED_MODULE_3__/* .descriptorPlatformName */ .gh)(entry.platform));
        return Object.keys(added).length === 0
            ? entry
            : { ...entry, annotations: sortedKeys({ ...entry.annotations, ...added }) };
    });
    const merged = sortedKeys({ ...parsed.annotations, ...index });
    return Buffer.from(JSON.stringify({
        ...parsed,
        manifests,
        ...(Object.keys(merged).length === 0 ? {} : { annotations: merged })
    }));
}
function sortedKeys(map) {
    return Object.fromEntries(Object.entries(map).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
/**
 * Write the index and index-entry annotations into the index an OCI layout names (a new blob;
 * `index.json` then names it). False when there was nothing to add or the layout's top is a
 * lone manifest.
 */
async function annotateLayoutIndex(dir, annotations) {
    const indexFile = node_path__WEBPACK_IMPORTED_MODULE_1___default().join(dir, 'index.json');
    const top = JSON.parse(await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.readFile)(indexFile, 'utf8'));
    const [entry, ...others] = top.manifests ?? [];
    if (entry === undefined || others.length > 0 || !(0,_oci_js__WEBPACK_IMPORTED_MODULE_4__/* .isIndexMediaType */ .$$)(entry.mediaType))
        return false;
    const bytes = annotatedIndex(await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.readFile)(blobPath(dir, entry.digest)), annotations);
    if (bytes === undefined)
        return false;
    const digest = (0,_digest_js__WEBPACK_IMPORTED_MODULE_5__/* .digestOf */ .ol)(bytes);
    await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.writeFile)(blobPath(dir, digest), bytes);
    const rewritten = { ...top, manifests: [{ ...entry, digest, size: bytes.length }] };
    await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.writeFile)(indexFile, JSON.stringify(rewritten));
    return true;
}
/**
 * The bytes of the OCI index over `entries`, in their order, shaped as buildah writes a
 * list's index (`mediaType`, `digest`, `size`, then `platform` with `architecture`, `os`
 * and a `variant` when there is one), so that the same images give the same digest. Pure.
 */
function indexOver(entries) {
    return Buffer.from(JSON.stringify({
        schemaVersion: 2,
        mediaType: _oci_js__WEBPACK_IMPORTED_MODULE_4__/* .MEDIA_TYPES */ .Z2.ociIndex,
        manifests: entries.map(_oci_js__WEBPACK_IMPORTED_MODULE_4__/* .canonicalDescriptor */ .C_)
    }));
}
/**
 * Gather layouts of one image each (as `buildah push IMAGE oci:DIR` writes them) into one
 * layout at `dir` whose `index.json` names an OCI index over their manifests, in the order
 * given. Each entry names the platform given for it, with the variant of the image's config
 * when none is given, as `buildah manifest add --os --arch [--variant]` does. Blobs are
 * moved, not copied: the parts are spent. The index digest is returned.
 */
async function joinLayouts(parts, dir) {
    await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.mkdir)(node_path__WEBPACK_IMPORTED_MODULE_1___default().join(dir, 'blobs', 'sha256'), { recursive: true });
    const entries = [];
    for (const part of parts) {
        const top = JSON.parse(await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.readFile)(node_path__WEBPACK_IMPORTED_MODULE_1___default().join(part.dir, 'index.json'), 'utf8'));
        const [entry, ...others] = top.manifests ?? [];
        if (entry === undefined || others.length > 0 || (0,_oci_js__WEBPACK_IMPORTED_MODULE_4__/* .isIndexMediaType */ .$$)(entry.mediaType)) {
            throw new Error(`the OCI layout in ${part.dir} should name exactly one image manifest`);
        }
        const manifest = await readManifest(part.dir, entry);
        const config = JSON.parse((await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.readFile)(blobPath(part.dir, manifest.config.digest))).toString('utf8'));
        const digests = [manifest.digest, manifest.config.digest, ...manifest.layers.map(l => l.digest)];
        // A layer can repeat within an image, and across platforms (a copied text file).
        for (const digest of new Set(digests)) {
            await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.rename)(blobPath(part.dir, digest), blobPath(dir, digest));
        }
        const variant = part.platform.variant ?? config.variant;
        entries.push({
            mediaType: manifest.mediaType,
            digest: manifest.digest,
            size: manifest.bytes.length,
            platform: {
                architecture: part.platform.architecture,
                os: part.platform.os,
                ...(variant === undefined ? {} : { variant })
            }
        });
    }
    const index = indexOver(entries);
    const digest = (0,_digest_js__WEBPACK_IMPORTED_MODULE_5__/* .digestOf */ .ol)(index);
    await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.writeFile)(blobPath(dir, digest), index);
    await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.writeFile)(node_path__WEBPACK_IMPORTED_MODULE_1___default().join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
    await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.writeFile)(node_path__WEBPACK_IMPORTED_MODULE_1___default().join(dir, 'index.json'), JSON.stringify({
        schemaVersion: 2,
        manifests: [{ mediaType: _oci_js__WEBPACK_IMPORTED_MODULE_4__/* .MEDIA_TYPES */ .Z2.ociIndex, digest, size: index.length }]
    }));
    return digest;
}


/***/ }),

/***/ 5526:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $$: () => (/* binding */ isIndexMediaType),
/* harmony export */   C_: () => (/* binding */ canonicalDescriptor),
/* harmony export */   H3: () => (/* binding */ isAttestation),
/* harmony export */   Mf: () => (/* binding */ sortedKeys),
/* harmony export */   Z2: () => (/* binding */ MEDIA_TYPES),
/* harmony export */   _L: () => (/* binding */ ATTESTATION_SUBJECT)
/* harmony export */ });
/* unused harmony export ATTESTATION_TYPE */
/** The OCI image and distribution types every part of the house shares. Pure. */
const MEDIA_TYPES = {
    ociIndex: 'application/vnd.oci.image.index.v1+json',
    ociManifest: 'application/vnd.oci.image.manifest.v1+json',
    dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
    dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json'
};
/** The annotations by which BuildKit ties an attestation manifest to the image it describes. */
const ATTESTATION_TYPE = 'vnd.docker.reference.type';
const ATTESTATION_SUBJECT = 'vnd.docker.reference.digest';
function isIndexMediaType(mediaType) {
    return mediaType === MEDIA_TYPES.ociIndex || mediaType === MEDIA_TYPES.dockerList;
}
/** An index entry that is an attestation (provenance, SBOM), not an image of a platform. */
function isAttestation(descriptor) {
    return (descriptor.annotations?.[ATTESTATION_TYPE] === 'attestation-manifest' ||
        (descriptor.platform?.os === 'unknown' && descriptor.platform.architecture === 'unknown'));
}
/**
 * The entry with its keys in one fixed order (the order buildah writes a list's entries in),
 * an empty variant left out and annotations sorted by key: equal entries serialise to equal
 * bytes, and equal indexes to equal digests.
 */
function canonicalDescriptor(descriptor) {
    const platform = descriptor.platform;
    return {
        mediaType: descriptor.mediaType,
        digest: descriptor.digest,
        size: descriptor.size,
        ...(platform === undefined
            ? {}
            : {
                platform: {
                    architecture: platform.architecture,
                    os: platform.os,
                    ...(platform.variant === undefined || platform.variant === ''
                        ? {}
                        : { variant: platform.variant })
                }
            }),
        ...(descriptor.annotations === undefined
            ? {}
            : {
                annotations: sortedKeys(descriptor.annotations)
            })
    };
}
/** The same entries, sorted by key (localeCompare). */
function sortedKeys(map) {
    return Object.fromEntries(Object.entries(map).sort(([a], [b]) => a.localeCompare(b)));
}


/***/ }),

/***/ 7937:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   y: () => (/* binding */ RegistryPool)
/* harmony export */ });
/* harmony import */ var _client_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(8152);

/** One client per registry host, created with that host's credentials on first use. */
class RegistryPool {
    credentialsFor;
    log;
    clients = new Map();
    constructor(credentialsFor, 
    /** Where the clients say what they retried, fell back to or resumed. */
    log) {
        this.credentialsFor = credentialsFor;
        this.log = log;
    }
    get(registry) {
        let client = this.clients.get(registry);
        if (client === undefined) {
            client = this.credentialsFor(registry).then(credentials => new _client_js__WEBPACK_IMPORTED_MODULE_0__/* .RegistryClient */ .bP(registry, {
                ...(credentials === undefined ? {} : { credentials }),
                ...(this.log === undefined ? {} : { log: this.log })
            }));
            this.clients.set(registry, client);
        }
        return client;
    }
    /**
     * Close every client that came to be. A client whose credentials could not be found never
     * existed, and its failure was already reported where it was asked for, so it is skipped.
     */
    async close() {
        const settled = await Promise.allSettled(this.clients.values());
        this.clients.clear();
        const failures = [];
        for (const outcome of settled) {
            if (outcome.status !== 'fulfilled')
                continue;
            try {
                outcome.value.close();
            }
            catch (error) {
                failures.push(error);
            }
        }
        if (failures.length > 0) {
            throw new AggregateError(failures, `${failures.length} registry client(s) did not close`);
        }
    }
}


/***/ }),

/***/ 5328:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Fu: () => (/* binding */ moveTags),
/* harmony export */   Jm: () => (/* binding */ copyByDigest),
/* harmony export */   ur: () => (/* binding */ bringManifest),
/* harmony export */   yw: () => (/* binding */ pushByDigest)
/* harmony export */ });
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3838);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_stream__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(7075);
/* harmony import */ var node_stream__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_stream__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var _bounded_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(6586);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(3916);
/* harmony import */ var _reference_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(8286);
/* harmony import */ var _layout_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(7853);







/**
 * Push every blob and manifest of the image into each tag's repository, addressed by
 * digest only: no tag moves. Within one registry the first repository receives the
 * bytes and the others mount them. Blobs go several at once, as buildah and BuildKit send
 * layers; then the platforms' manifests, several at once; the index last, once all it
 * names is there.
 */
async function pushByDigest(image, tags, pool) {
    const blobs = await (0,_layout_js__WEBPACK_IMPORTED_MODULE_5__/* .layoutBlobs */ .$f)(image);
    const firstRepository = new Map();
    const done = new Set();
    for (const tag of tags) {
        const key = `${tag.registry}/${tag.repository}`;
        if (done.has(key))
            continue;
        done.add(key);
        const client = await pool.get(tag.registry);
        const source = firstRepository.get(tag.registry);
        const sent = await (0,_bounded_js__WEBPACK_IMPORTED_MODULE_6__/* .allBounded */ .rv)(blobs, _bounded_js__WEBPACK_IMPORTED_MODULE_6__/* .REGISTRY_CONCURRENCY */ .yT, blob => source === undefined
            ? client.uploadBlob(tag.repository, blob.digest, blob.size, (start, end) => end > start ? (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.createReadStream)(blob.file, { start, end: end - 1 }) : node_stream__WEBPACK_IMPORTED_MODULE_2__.Readable.from([]))
            : client.mountBlob(source, tag.repository, blob.digest));
        const uploaded = sent.filter(result => result === 'uploaded').length;
        firstRepository.set(tag.registry, firstRepository.get(tag.registry) ?? tag.repository);
        await (0,_bounded_js__WEBPACK_IMPORTED_MODULE_6__/* .allBounded */ .rv)(image.manifests, _bounded_js__WEBPACK_IMPORTED_MODULE_6__/* .REGISTRY_CONCURRENCY */ .yT, manifest => client.putManifest(tag.repository, manifest.digest, manifest.bytes, manifest.mediaType));
        if (image.manifests.length > 1 || image.manifests[0]?.digest !== image.digest) {
            await client.putManifest(tag.repository, image.digest, image.bytes, image.mediaType);
        }
        _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .info */ .pq(`${key}@${image.digest}: ${blobs.length} blobs (${uploaded} uploaded, ${blobs.length - uploaded} already there or mounted)`);
    }
}
/**
 * Make the manifest `digest` of `from` present in `to` by digest, with all it refers to: an
 * index's manifests first, each manifest's blobs mounted within a registry or streamed
 * across registries. What `to` already holds is left alone. No tag moves. `blobs` collects
 * every blob seen (a layer shared by platforms is moved once); the answer is how many moved.
 */
async function bringManifest(from, to, digest, blobs = new Set()) {
    const sameRegistry = from.client.registry === to.client.registry;
    if (sameRegistry && from.repository === to.repository)
        return 0;
    const target = { registry: to.client.registry, repository: to.repository, digest };
    if (await to.client.hasManifest(target))
        return 0;
    const manifest = await from.client.getManifest({
        registry: from.client.registry,
        repository: from.repository,
        digest
    });
    const parsed = JSON.parse(manifest.raw.toString('utf8'));
    let moved = 0;
    for (const child of parsed.manifests ?? []) {
        moved += await bringManifest(from, to, child.digest, blobs);
    }
    for (const blob of [...(parsed.config ? [parsed.config] : []), ...(parsed.layers ?? [])]) {
        if (blobs.has(blob.digest))
            continue;
        blobs.add(blob.digest);
        const outcome = sameRegistry
            ? await to.client.mountBlob(from.repository, to.repository, blob.digest)
            : await to.client.copyBlob(from.repository, to.repository, blob.digest, from.client);
        if (outcome !== 'present')
            moved++;
    }
    await to.client.putManifest(to.repository, digest, manifest.raw, manifest.mediaType);
    return moved;
}
/**
 * Make an image that an engine pushed by digest into one repository present, by digest, in
 * every other tag's repository. No tag moves.
 */
async function copyByDigest(source, tags, pool) {
    const from = { client: await pool.get(source.registry), repository: source.repository };
    const done = new Set([`${source.registry}/${source.repository}`]);
    _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .info */ .pq(`${source.registry}/${source.repository}@${source.digest}: pushed by the engine, by digest`);
    for (const tag of tags) {
        const key = `${tag.registry}/${tag.repository}`;
        if (done.has(key))
            continue;
        done.add(key);
        const blobs = new Set();
        const to = { client: await pool.get(tag.registry), repository: tag.repository };
        const moved = await bringManifest(from, to, source.digest, blobs);
        _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .info */ .pq(`${key}@${source.digest}: ${blobs.size} blobs (${moved} ${tag.registry === source.registry ? 'mounted' : 'copied'}, ${blobs.size - moved} already there)`);
    }
}
/**
 * Point every tag at the pushed image. If one fails, the tags moved before it go back to
 * what they held, but only those that still hold this run's image: a tag another run has
 * moved since is that run's, and stays. The error says what was put back and what was left.
 */
async function moveTags(image, tags, pool) {
    const moved = [];
    try {
        for (const tag of tags) {
            const client = await pool.get(tag.registry);
            const previous = (await client.hasManifest(tag)) ? await client.getManifest(tag) : undefined;
            await client.putManifest(tag.repository, tag.tag ?? 'latest', image.bytes, image.mediaType);
            moved.push({ tag, previous });
            _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .info */ .pq(`${(0,_reference_js__WEBPACK_IMPORTED_MODULE_4__/* .formatReference */ .FH)(tag)} -> ${image.digest}`);
        }
    }
    catch (error) {
        const restored = [];
        const left = [];
        for (const { tag, previous } of moved.reverse()) {
            const name = (0,_reference_js__WEBPACK_IMPORTED_MODULE_4__/* .formatReference */ .FH)(tag);
            const client = await pool.get(tag.registry);
            const now = await client.getManifest(tag).catch(() => undefined);
            if (now?.digest !== image.digest) {
                left.push(`${name} (now ${now?.digest ?? 'unreadable'}: moved by another push since)`);
                continue;
            }
            if (previous === undefined) {
                // The distribution API cannot remove a tag without deleting the image it names.
                left.push(`${name} (new; a tag cannot be removed without deleting its image)`);
                continue;
            }
            try {
                await client.putManifest(tag.repository, tag.tag ?? 'latest', previous.raw, previous.mediaType);
                restored.push(`${name} (back to ${previous.digest})`);
            }
            catch (restoreError) {
                left.push(`${name} (putting ${previous.digest} back failed: ${(0,_errors_js__WEBPACK_IMPORTED_MODULE_3__/* .errorMessage */ .gJ)(restoreError)})`);
            }
        }
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_3__/* .ActionError */ .lZ([
            `moving the tags failed: ${(0,_errors_js__WEBPACK_IMPORTED_MODULE_3__/* .errorMessage */ .gJ)(error)}`,
            restored.length > 0 ? `put back: ${restored.join(', ')}` : 'no tag needed putting back',
            ...(left.length > 0 ? [`left as they are: ${left.join(', ')}`] : [])
        ].join('; '));
    }
}


/***/ }),

/***/ 7968:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   JC: () => (/* binding */ imageFacts),
/* harmony export */   e7: () => (/* binding */ readBack)
/* harmony export */ });
/* unused harmony exports platformDigests, attestationDigests */
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3916);
/* harmony import */ var _platform_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3728);
/* harmony import */ var _reference_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(8286);
/* harmony import */ var _oci_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(5526);




/**
 * The facts of a top manifest: an index names its platforms; a lone manifest carries its
 * platform only in its config, so it gets the one planned platform.
 */
function imageFacts(digest, mediaType, bytes, expected) {
    if (!(0,_oci_js__WEBPACK_IMPORTED_MODULE_3__/* .isIndexMediaType */ .$$)(mediaType)) {
        const [only] = expected;
        const digests = only === undefined || expected.length > 1 ? {} : { [(0,_platform_js__WEBPACK_IMPORTED_MODULE_1__/* .formatPlatform */ .Bq)(only)]: digest };
        return { digest, mediaType, digests, attestations: {} };
    }
    const index = JSON.parse(bytes.toString('utf8'));
    return {
        digest,
        mediaType,
        digests: platformDigests(index),
        attestations: attestationDigests(index)
    };
}
/** Platform -> digest from an index's entries. Pure; tested on real index shapes. */
function platformDigests(index) {
    const digests = {};
    for (const descriptor of index.manifests ?? []) {
        const name = (0,_platform_js__WEBPACK_IMPORTED_MODULE_1__/* .descriptorPlatformName */ .gh)(descriptor.platform);
        if ((0,_oci_js__WEBPACK_IMPORTED_MODULE_3__/* .isAttestation */ .H3)(descriptor) || name === undefined)
            continue;
        digests[name] = descriptor.digest;
    }
    return digests;
}
/**
 * Platform -> the attestation manifests (provenance, SBOM) an index holds for that
 * platform's image, in index order. One whose subject is not in the index is left out.
 */
function attestationDigests(index) {
    const platformOf = new Map(Object.entries(platformDigests(index)).map(([platform, digest]) => [digest, platform]));
    const attestations = {};
    for (const descriptor of index.manifests ?? []) {
        if (!(0,_oci_js__WEBPACK_IMPORTED_MODULE_3__/* .isAttestation */ .H3)(descriptor))
            continue;
        const platform = platformOf.get(descriptor.annotations?.[_oci_js__WEBPACK_IMPORTED_MODULE_3__/* .ATTESTATION_SUBJECT */ ._L] ?? '');
        if (platform === undefined)
            continue;
        attestations[platform] = [...(attestations[platform] ?? []), descriptor.digest];
    }
    return attestations;
}
/**
 * Read back what the registry now holds under every tag: the source of truth for the
 * outputs. Every tag must resolve to the same manifest, covering every planned platform.
 */
async function readBack(tags, expected, pool) {
    let first;
    for (const tag of tags) {
        const manifest = await (await pool.get(tag.registry)).getManifest(tag);
        if (first !== undefined && manifest.digest !== first.digest) {
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ActionError */ .lZ(`${(0,_reference_js__WEBPACK_IMPORTED_MODULE_2__/* .formatReference */ .FH)(tag)} holds ${manifest.digest}, but ${(0,_reference_js__WEBPACK_IMPORTED_MODULE_2__/* .formatReference */ .FH)(tags[0] ?? tag)} holds ${first.digest}`);
        }
        first ??= manifest;
    }
    if (first === undefined)
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ActionError */ .lZ('nothing was pushed, so nothing can be read back');
    const facts = imageFacts(first.digest, first.mediaType, first.raw, expected);
    const digests = facts.digests;
    const missing = expected.map(_platform_js__WEBPACK_IMPORTED_MODULE_1__/* .formatPlatform */ .Bq).filter(name => digests[name] === undefined);
    if (missing.length > 0) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ActionError */ .lZ(`the registry's ${first.digest} lacks ${missing.join(', ')}; it holds ${Object.keys(digests).join(', ') || 'nothing'}`);
    }
    return {
        ...facts,
        manifest: first.raw.toString('utf8'),
        images: tags.map(tag => `${(0,_reference_js__WEBPACK_IMPORTED_MODULE_2__/* .repositoryName */ .aR)(tag)}@${first.digest}`)
    };
}


/***/ }),

/***/ 2046:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  Y: () => (/* binding */ LayerScans),
  K: () => (/* binding */ verifyPlatforms)
});

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 7 modules
var core = __webpack_require__(3838);
// EXTERNAL MODULE: ./src/untrusted.ts
var untrusted = __webpack_require__(873);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
// EXTERNAL MODULE: ./src/bounded.ts
var bounded = __webpack_require__(6586);
// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(3916);
// EXTERNAL MODULE: ./src/platform.ts
var src_platform = __webpack_require__(3728);
// EXTERNAL MODULE: external "node:stream"
var external_node_stream_ = __webpack_require__(7075);
// EXTERNAL MODULE: external "node:zlib"
var external_node_zlib_ = __webpack_require__(8522);
// EXTERNAL MODULE: ./node_modules/fzstd/esm/index.mjs
var esm = __webpack_require__(8339);
;// CONCATENATED MODULE: ./src/verify/byte-chunk.ts
/** A chunk from a stream that should carry bytes, as a Buffer without copying. */
function byteChunk(chunk, reader) {
    if (Buffer.isBuffer(chunk))
        return chunk;
    if (chunk instanceof Uint8Array)
        return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    throw new TypeError(`${reader} got a ${typeof chunk} chunk; pass a byte stream (no setEncoding, no object mode)`);
}

;// CONCATENATED MODULE: ./src/verify/decompress.ts
/** Layer blobs come gzip-, zstd- or uncompressed: find out which from their bytes, and undo it. */




const GZIP_MAGIC = [0x1f, 0x8b];
const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd];
/** Enough for the magic and a whole zstd frame header (4 + 1 + 1 + 4 + 8 bytes). */
const PEEK_BYTES = 18;
/**
 * fzstd 0.1.1 takes an offset's extra bits from one 32-bit read shifted by up to 7, so offsets
 * of 2^26 - 3 bytes or more decode wrong; only windows below that cannot hold such offsets.
 */
const ZSTD_MAX_WINDOW = 2 ** 26 - 4;
/**
 * fzstd decodes every whole block in what it is given at once, and a 4-byte RLE block makes
 * 128 KiB: small slices cap one burst at 32 blocks (4 MiB) before the reader is asked again.
 */
const ZSTD_SLICE_BYTES = 128;
const TRUNCATED_FIX = 'download it again or rebuild and push it';
/** The compression the first bytes of a blob show; anything else is taken as a plain tar. */
function detectCompression(head) {
    const startsWith = (magic) => head.length >= magic.length && magic.every((byte, index) => head[index] === byte);
    if (startsWith(GZIP_MAGIC))
        return 'gzip';
    if (startsWith(ZSTD_MAGIC))
        return 'zstd';
    return 'none';
}
/** The compression an OCI or Docker layer media type names, or undefined if it names none. */
function mediaTypeCompression(mediaType) {
    const type = mediaType.trim().toLowerCase();
    if (type.endsWith('+gzip') || type.endsWith('.tar.gzip'))
        return 'gzip';
    if (type.endsWith('+zstd'))
        return 'zstd';
    if (type.endsWith('.tar'))
        return 'none';
    return undefined;
}
/**
 * Decompress a layer blob as it streams. The magic bytes decide; a media type that disagrees
 * only adds a note. Decoding waits for the reader, so memory stays bounded.
 */
async function decompressLayer(source, mediaType) {
    const iterator = source[Symbol.asyncIterator]();
    const peeked = [];
    let peekedBytes = 0;
    while (peekedBytes < PEEK_BYTES) {
        const next = await iterator.next();
        if (next.done === true)
            break;
        const chunk = byteChunk(next.value, 'layer decompressor');
        peeked.push(chunk);
        peekedBytes += chunk.length;
    }
    const head = Buffer.concat(peeked, Math.min(peekedBytes, PEEK_BYTES));
    const compression = detectCompression(head);
    const window = compression === 'zstd' ? zstdWindowSize(head) : undefined;
    // Only the first frame is checked; the frames of one layer come from one encoder.
    if (window !== undefined && window > ZSTD_MAX_WINDOW) {
        await iterator.return?.();
        throw new LayerDecodeError(`zstd layer needs a ${mebibytes(window)} window; the zstd decoder here reads only windows under 64 MiB correctly; compress the layer without --long or --ultra levels, or with gzip`);
    }
    const input = external_node_stream_.Readable.from(replay(peeked, iterator), { objectMode: false });
    const declared = mediaType === undefined ? undefined : mediaTypeCompression(mediaType);
    const note = declared === undefined || declared === compression
        ? undefined
        : `media type ${mediaType ?? ''} says ${declared}, but the blob's bytes are ${compression}; read as ${compression}`;
    return { compression, stream: decode(input, compression), note };
}
/**
 * The window a zstd frame header declares: how far back its matches may reach. Undefined when
 * the bytes do not hold a whole frame header.
 */
function zstdWindowSize(head) {
    const descriptor = head[4];
    if (detectCompression(head) !== 'zstd' || descriptor === undefined)
        return undefined;
    const singleSegment = (descriptor & 0x20) !== 0;
    if (!singleSegment) {
        const windowByte = head[5];
        if (windowByte === undefined)
            return undefined;
        const base = 2 ** (10 + (windowByte >> 3));
        return base + (base / 8) * (windowByte & 7);
    }
    // A single-segment frame's window is its content size, stored after the dictionary id.
    const dictionaryBytes = [0, 1, 2, 4][descriptor & 3] ?? 0;
    const sizeBytes = [1, 2, 4, 8][descriptor >> 6] ?? 1;
    const start = 5 + dictionaryBytes;
    if (head.length < start + sizeBytes)
        return undefined;
    let size = 0;
    for (let index = start + sizeBytes - 1; index >= start; index--) {
        size = size * 256 + (head[index] ?? 0);
    }
    return sizeBytes === 2 ? size + 256 : size;
}
function mebibytes(bytes) {
    return `${Number((bytes / 2 ** 20).toFixed(1))} MiB`;
}
async function* replay(peeked, iterator) {
    try {
        yield* peeked;
        for (;;) {
            const next = await iterator.next();
            if (next.done === true)
                return;
            yield byteChunk(next.value, 'layer decompressor');
        }
    }
    finally {
        await iterator.return?.();
    }
}
/**
 * zlib's output chunk. Its 16 KiB default hands each layer over in four times as many trips
 * through the thread pool; 64 KiB decompressed a 1 MiB gzip layer in about two thirds of the
 * time here, and is still a few blocks of memory per layer.
 */
const GUNZIP_CHUNK = 64 * 1024;
function decode(input, compression) {
    if (compression === 'none')
        return input;
    const decoder = compression === 'gzip' ? (0,external_node_zlib_.createGunzip)({ chunkSize: GUNZIP_CHUNK }) : new ZstdDecompress();
    const output = new external_node_stream_.PassThrough();
    // Wired by hand rather than with pipeline() so the reader gets an error that names the cause.
    input.on('error', error => output.destroy(error));
    decoder.on('error', error => output.destroy(explainDecodeError(compression, error)));
    output.on('close', () => {
        input.destroy();
        decoder.destroy();
    });
    return input.pipe(decoder).pipe(output);
}
/** A layer blob that cannot be decompressed (or not correctly, by the decoders here). */
class LayerDecodeError extends Error {
    constructor(message, options) {
        super(message, options);
        this.name = 'LayerDecodeError';
    }
}
function explainDecodeError(compression, error) {
    if (error instanceof LayerDecodeError)
        return error;
    // zlib says Z_BUF_ERROR when the input ends before the gzip trailer.
    const code = 'code' in error ? error.code : undefined;
    const problem = code === 'Z_BUF_ERROR' ? 'ended early' : `is corrupt (${error.message})`;
    return new LayerDecodeError(`${compression} stream of the layer ${problem}; ${TRUNCATED_FIX}`, {
        cause: error
    });
}
/**
 * zstd decompression as a Transform, on fzstd's streaming decoder. Input is fed in small
 * slices; when the reader's buffer is full, feeding pauses until it asks for more.
 */
class ZstdDecompress extends external_node_stream_.Transform {
    #decoder;
    #resume;
    #readerIsFull = false;
    constructor() {
        super();
        this.#decoder = new esm/* Decompress */.YM(data => {
            if (data.length === 0)
                return;
            if (!this.push(Buffer.from(data.buffer, data.byteOffset, data.length))) {
                this.#readerIsFull = true;
            }
        });
    }
    _transform(chunk, _encoding, callback) {
        this.#feed(chunk, 0, callback);
    }
    _read(size) {
        const resume = this.#resume;
        this.#resume = undefined;
        resume?.();
        // Transform's own _read hands over the write callback it held back while the reader was full.
        super._read(size);
    }
    _flush(callback) {
        try {
            this.#decoder.push(new Uint8Array(0), true);
        }
        catch (error) {
            callback(zstdError(error));
            return;
        }
        callback();
    }
    #feed(chunk, start, callback) {
        try {
            for (let position = start; position < chunk.length;) {
                this.#decoder.push(chunk.subarray(position, position + ZSTD_SLICE_BYTES));
                position += ZSTD_SLICE_BYTES;
                // Pause only after a push said so: a _read that ends without pushing is never re-called.
                if (this.#takeReaderIsFull() && position < chunk.length) {
                    const next = position;
                    this.#resume = () => {
                        this.#feed(chunk, next, callback);
                    };
                    return;
                }
            }
        }
        catch (error) {
            callback(zstdError(error));
            return;
        }
        callback();
    }
    #takeReaderIsFull() {
        const full = this.#readerIsFull;
        this.#readerIsFull = false;
        return full;
    }
}
/** fzstd's errors carry a numeric code; 5 is "unexpected EOF". */
function zstdError(error) {
    const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
    const detail = error instanceof Error ? error.message : String(error);
    const problem = code === 5 ? 'ended inside a frame' : `is corrupt (${detail})`;
    return new LayerDecodeError(`zstd stream of the layer ${problem}; ${TRUNCATED_FIX}`, {
        cause: error
    });
}

;// CONCATENATED MODULE: ./src/verify/elf.ts
/** What an ELF header says about the machine a file was built for, and its OCI name. */
/** Bytes of the ELF file header, up to and including e_flags and the fields after it. */
const ELF_HEADER_BYTES = { 32: 52, 64: 64 };
const ELF_MAGIC = [0x7f, 0x45, 0x4c, 0x46];
/**
 * Read the identity from the first bytes of a file; undefined unless they hold a whole
 * ELF header (magic, a known class and byte order).
 */
function readElfIdentity(header) {
    if (!ELF_MAGIC.every((byte, index) => header[index] === byte))
        return undefined;
    const elfClass = header[4] === 1 ? 32 : header[4] === 2 ? 64 : undefined;
    const endian = header[5] === 1 ? 'little' : header[5] === 2 ? 'big' : undefined;
    if (elfClass === undefined || endian === undefined)
        return undefined;
    if (header.length < ELF_HEADER_BYTES[elfClass])
        return undefined;
    const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
    const littleEndian = endian === 'little';
    return {
        elfClass,
        endian,
        machine: view.getUint16(18, littleEndian),
        flags: view.getUint32(elfClass === 32 ? 36 : 48, littleEndian)
    };
}
const EM_386 = 3;
const EM_MIPS = 8;
const EM_PPC64 = 21;
const EM_S390 = 22;
const EM_ARM = 40;
const EM_X86_64 = 62;
const EM_AARCH64 = 183;
const EM_RISCV = 243;
const EM_LOONGARCH = 258;
/**
 * The OCI architecture an ELF file runs on, or undefined for machines no image platform
 * names (eBPF objects, firmware for other CPUs, 32-bit halves of 64-bit families).
 */
function elfPlatform(identity) {
    const { elfClass, endian, machine } = identity;
    const is64 = elfClass === 64;
    switch (machine) {
        // x32 binaries are EM_X86_64 in ELFCLASS32 and run only on amd64 kernels.
        case EM_X86_64:
            return { architecture: 'amd64' };
        case EM_386:
            return elfClass === 32 ? { architecture: '386' } : undefined;
        case EM_AARCH64:
            return { architecture: 'arm64' };
        // v6 and v7 share EABI5 in e_flags; only .ARM.attributes tells them apart, so no variant.
        case EM_ARM:
            return elfClass === 32 ? { architecture: 'arm' } : undefined;
        case EM_PPC64:
            return is64 ? { architecture: endian === 'little' ? 'ppc64le' : 'ppc64' } : undefined;
        case EM_S390:
            return is64 && endian === 'big' ? { architecture: 's390x' } : undefined;
        case EM_RISCV:
            return is64 ? { architecture: 'riscv64' } : undefined;
        case EM_MIPS:
            return is64 ? { architecture: endian === 'little' ? 'mips64le' : 'mips64' } : undefined;
        case EM_LOONGARCH:
            return is64 ? { architecture: 'loong64' } : undefined;
        default:
            return undefined;
    }
}

;// CONCATENATED MODULE: ./src/verify/glob.ts
/**
 * Path patterns for allow-lists: `*` and `?` stay within one path segment, `**` spans any
 * number of segments. Nothing else is special, so `[` and `{` match themselves.
 */
/** Compile one pattern; a leading `/` or `./` is optional, as in the paths it is matched to. */
function compileGlob(pattern) {
    const segments = normaliseLayerPath(pattern).split('/');
    if (segments.length === 1 && segments[0] === '') {
        throw new Error(`path pattern ${JSON.stringify(pattern)} is empty; give a path such as usr/lib/firmware/**`);
    }
    let source = '';
    segments.forEach((segment, index) => {
        const last = index === segments.length - 1;
        if (segment === '**') {
            // As a whole segment `**` also matches no segment at all, so `a/**/b` matches `a/b`.
            source += last ? '.*' : '(?:[^/]*/)*';
        }
        else {
            source += segmentSource(segment) + (last ? '' : '/');
        }
    });
    const regex = new RegExp(`^${source}$`, 'u');
    return path => regex.test(normaliseLayerPath(path));
}
/** A tar path as it lands in the image's root: no leading `/` or `./`, no empty or `.` parts. */
function normaliseLayerPath(path) {
    return path
        .split('/')
        .filter(part => part !== '' && part !== '.')
        .join('/');
}
function segmentSource(segment) {
    let source = '';
    for (const character of segment) {
        if (character === '*')
            source += '[^/]*';
        else if (character === '?')
            source += '[^/]';
        else
            source += character.replace(/[\\^$.|+()[\]{}]/u, '\\$&');
    }
    return source;
}

;// CONCATENATED MODULE: ./src/verify/tar.ts
/**
 * A streaming tar reader: each entry's header and the first bytes of its content, with the
 * rest of the content skipped as it streams past, so memory stays at a few blocks per layer.
 * Where formats are ambiguous it reads archives the way Go's archive/tar does, because
 * docker, containerd, BuildKit and buildah all unpack layers with it.
 */

/** A stream that is not a valid, complete tar archive. */
class TarError extends Error {
    constructor(message) {
        super(message);
        this.name = 'TarError';
    }
}
/** Enough for a 64-bit ELF header, the longest magic the checks need. */
const TAR_HEAD_BYTES = 64;
const BLOCK = 512;
/** Long names and PAX headers are read whole; a cap keeps a hostile layer from filling memory. */
const MAX_EXTENSION_BYTES = 1024 * 1024;
/** Go's isHeaderOnlyType: these types carry no content whatever their size field says. */
const HEADER_ONLY_TYPES = new Set(['1', '2', '3', '4', '5', '6']);
const tar_TRUNCATED_FIX = 'the layer is truncated; download it again or rebuild and push it';
/**
 * Read the entries of an uncompressed tar stream. Throws TarError when the stream is cut
 * short, has a bad header, or lacks the end-of-archive marker.
 */
async function* readTar(source, meter) {
    const bytes = new ByteQueue(source, meter);
    let longName;
    let pax = {};
    let entries = 0;
    try {
        for (;;) {
            const headerOffset = bytes.offset;
            const block = await bytes.read(BLOCK);
            if (block.length < BLOCK)
                throw truncatedHeader(block.length, headerOffset, entries);
            if (isZeroBlock(block)) {
                await readEndOfArchive(bytes, headerOffset);
                return;
            }
            const header = parseHeader(block, headerOffset);
            if (header.typeflag === 'L') {
                const data = await readExtension(bytes, header.size, 'GNU long name', headerOffset);
                longName = cString(data, 0, data.length);
                continue;
            }
            if (header.typeflag === 'x') {
                const data = await readExtension(bytes, header.size, 'PAX', headerOffset);
                pax = paxOverrides(parsePaxRecords(data, headerOffset), headerOffset);
                continue;
            }
            // Global PAX records and GNU long link names say nothing about which file is where.
            if (header.typeflag === 'g' || header.typeflag === 'K') {
                await skipExtension(bytes, header.size, header.typeflag, headerOffset);
                continue;
            }
            if (header.isExtendedSparse)
                await skipSparseExtensions(bytes);
            const path = pax.path ?? longName ?? header.name;
            // Sparse files are stored as their data regions, so their first bytes are not the file's.
            const sparse = header.typeflag === 'S' || pax.sparse === true;
            const type = sparse ? 'other' : entryType(header.typeflag, path);
            const size = HEADER_ONLY_TYPES.has(header.typeflag) ? 0 : (pax.size ?? header.size);
            longName = undefined;
            pax = {};
            const headLength = type === 'file' ? Math.min(size, TAR_HEAD_BYTES) : 0;
            // A copy, so a kept entry does not pin the whole chunk its head was cut from.
            const head = Buffer.from(await bytes.read(headLength));
            const rest = paddedSize(size) - headLength;
            if (head.length < headLength || (await bytes.skip(rest)) < rest) {
                throw new TarError(`tar stream ended inside the content of ${path} (entry at byte ${headerOffset}, ${size} bytes); ${tar_TRUNCATED_FIX}`);
            }
            entries++;
            yield { path, type, size, head };
        }
    }
    finally {
        await bytes.close();
    }
}
/** Bytes buffered from an async iterable of chunks: exact reads, and skips that hold nothing. */
class ByteQueue {
    #iterator;
    #meter;
    #chunks = [];
    #buffered = 0;
    /** Bytes consumed since the start of the stream, for error messages. */
    offset = 0;
    constructor(source, meter) {
        this.#iterator = source[Symbol.asyncIterator]();
        this.#meter = meter;
    }
    /** The next `length` bytes, or fewer if the stream ends first. */
    async read(length) {
        while (this.#buffered < length) {
            if (!(await this.#pull()))
                break;
        }
        const available = Math.min(length, this.#buffered);
        const first = this.#chunks[0];
        const bytes = first !== undefined && first.length >= available
            ? first.subarray(0, available)
            : Buffer.concat(this.#chunks, available);
        this.#drop(available);
        return bytes;
    }
    /** Discard the next `length` bytes as they arrive; returns how many there were. */
    async skip(length) {
        let remaining = length;
        for (;;) {
            const dropped = Math.min(remaining, this.#buffered);
            this.#drop(dropped);
            remaining -= dropped;
            if (remaining === 0)
                return length;
            if (!(await this.#pull()))
                return length - remaining;
        }
    }
    async close() {
        await this.#iterator.return?.();
    }
    async #pull() {
        const next = await this.#iterator.next();
        if (next.done === true)
            return false;
        const chunk = byteChunk(next.value, 'tar reader');
        this.#chunks.push(chunk);
        this.#buffered += chunk.length;
        if (this.#meter !== undefined && this.#buffered > this.#meter.peakBytes) {
            this.#meter.peakBytes = this.#buffered;
        }
        return true;
    }
    #drop(length) {
        this.offset += length;
        this.#buffered -= length;
        let remaining = length;
        while (remaining > 0) {
            const first = this.#chunks[0];
            if (first === undefined)
                return;
            if (first.length <= remaining) {
                this.#chunks.shift();
                remaining -= first.length;
            }
            else {
                this.#chunks[0] = first.subarray(remaining);
                remaining = 0;
            }
        }
    }
}
function parseHeader(block, offset) {
    verifyChecksum(block, offset);
    const flagByte = block.readUInt8(156);
    const typeflag = flagByte === 0 ? '\0' : String.fromCharCode(flagByte);
    const name = cString(block, 0, 100);
    // Only POSIX ustar has the prefix field; GNU keeps access and change times in those bytes.
    const isPosixUstar = block.toString('latin1', 257, 263) === 'ustar\0';
    const prefix = isPosixUstar ? cString(block, 345, 155) : '';
    return {
        name: prefix === '' ? name : `${prefix}/${name}`,
        typeflag,
        size: parseSize(block, offset),
        isExtendedSparse: typeflag === 'S' && block.readUInt8(482) !== 0
    };
}
function verifyChecksum(block, offset) {
    const stored = parseNumber(block, 148, 8);
    // The checksum counts its own field as spaces; some old writers summed signed bytes.
    let unsigned = 0;
    let signed = 0;
    for (let index = 0; index < BLOCK; index++) {
        const byte = index >= 148 && index < 156 ? 0x20 : block.readUInt8(index);
        unsigned += byte;
        signed += byte > 127 ? byte - 256 : byte;
    }
    if (stored !== unsigned && stored !== signed) {
        throw new TarError(`tar header at byte ${offset} fails its checksum; the layer is not an uncompressed tar archive (wrong media type or compression?) or is corrupt`);
    }
}
function parseSize(block, offset) {
    const size = parseNumber(block, 124, 12);
    if (size === undefined) {
        const text = JSON.stringify(block.toString('latin1', 124, 136));
        throw new TarError(`tar header at byte ${offset} has size ${text}, neither octal nor a base-256 count; the layer is not a valid tar archive`);
    }
    return size;
}
/**
 * A numeric header field: octal text, or GNU base-256 when the high bit of the first byte is
 * set. Undefined when it is neither, negative, or beyond exact doubles.
 */
function parseNumber(block, start, length) {
    const first = block.readUInt8(start);
    if (first & 0x80) {
        if (first === 0xff)
            return undefined;
        let value = first & 0x7f;
        for (let index = start + 1; index < start + length; index++) {
            value = value * 256 + block.readUInt8(index);
        }
        return Number.isSafeInteger(value) ? value : undefined;
    }
    // Like Go: trim blanks and NULs, then stop at the first NUL.
    const raw = block.toString('latin1', start, start + length);
    const text = (raw.replace(/^[ \0]+/, '').split('\0')[0] ?? '').trim();
    if (text === '')
        return 0;
    return /^[0-7]+$/.test(text) ? Number.parseInt(text, 8) : undefined;
}
/** A NUL-terminated (or field-filling) UTF-8 string. */
function cString(bytes, start, length) {
    const field = bytes.subarray(start, start + length);
    const end = field.indexOf(0);
    return field.toString('utf8', 0, end === -1 ? field.length : end);
}
function entryType(typeflag, path) {
    switch (typeflag) {
        case '0':
        case '7':
            return 'file';
        // Pre-POSIX archives mark directories only by a trailing slash.
        case '\0':
            return path.endsWith('/') ? 'dir' : 'file';
        case '1':
            return 'hardlink';
        case '2':
            return 'symlink';
        case '5':
            return 'dir';
        default:
            return 'other';
    }
}
function isZeroBlock(block) {
    return block.every(byte => byte === 0);
}
function paddedSize(size) {
    return Math.ceil(size / BLOCK) * BLOCK;
}
function truncatedHeader(got, offset, entries) {
    if (offset === 0 && got === 0) {
        return new TarError(`tar stream is empty; ${tar_TRUNCATED_FIX}`);
    }
    if (got === 0) {
        return new TarError(`tar stream ended after ${entries} entries without its end-of-archive marker; ${tar_TRUNCATED_FIX}`);
    }
    return new TarError(`tar stream ended inside the header at byte ${offset} (${got} of ${BLOCK} bytes); ${tar_TRUNCATED_FIX}`);
}
/** As Go reads it: a zero block then the end of the stream, or a second zero block, ends the archive. */
async function readEndOfArchive(bytes, offset) {
    const next = await bytes.read(BLOCK);
    if (isZeroBlock(next))
        return;
    throw new TarError(`tar stream has a zero block at byte ${offset} followed by data; the layer is not a valid tar archive`);
}
async function skipExtension(bytes, size, typeflag, offset) {
    const padded = paddedSize(size);
    if ((await bytes.skip(padded)) < padded) {
        throw new TarError(`tar stream ended inside the '${typeflag}' entry at byte ${offset}; ${tar_TRUNCATED_FIX}`);
    }
}
/** The content of a long-name or PAX entry, read whole, with its padding skipped. */
async function readExtension(bytes, size, kind, offset) {
    if (size > MAX_EXTENSION_BYTES) {
        throw new TarError(`tar ${kind} header at byte ${offset} is ${size} bytes, over the ${MAX_EXTENSION_BYTES} this reader accepts; the layer is corrupt or hostile`);
    }
    const data = await bytes.read(size);
    const padding = paddedSize(size) - size;
    if (data.length < size || (await bytes.skip(padding)) < padding) {
        throw new TarError(`tar stream ended inside the ${kind} header at byte ${offset}; ${tar_TRUNCATED_FIX}`);
    }
    return data;
}
async function skipSparseExtensions(bytes) {
    for (;;) {
        const offset = bytes.offset;
        const block = await bytes.read(BLOCK);
        if (block.length < BLOCK) {
            throw new TarError(`tar stream ended inside a sparse header at byte ${offset}; ${tar_TRUNCATED_FIX}`);
        }
        if (block.readUInt8(504) === 0)
            return;
    }
}
/** `<length> <key>=<value>\n` records, length counting the whole record in bytes. */
function parsePaxRecords(data, offset) {
    const records = new Map();
    let position = 0;
    while (position < data.length) {
        const space = data.indexOf(0x20, position);
        const lengthText = space === -1 ? '' : data.toString('latin1', position, space);
        const length = /^[0-9]+$/.test(lengthText) ? Number(lengthText) : 0;
        const end = position + length;
        if (length <= space - position + 1 || end > data.length || data[end - 1] !== 0x0a) {
            throw new TarError(`tar PAX header at byte ${offset} has a malformed record at byte ${position} of its data; the layer is not a valid tar archive`);
        }
        const record = data.toString('utf8', space + 1, end - 1);
        const equals = record.indexOf('=');
        if (equals <= 0) {
            throw new TarError(`tar PAX header at byte ${offset} has a record without a key: ${JSON.stringify(record)}`);
        }
        records.set(record.slice(0, equals), record.slice(equals + 1));
        position = end;
    }
    return records;
}
function paxOverrides(records, offset) {
    // An empty value removes the keyword, leaving the ustar field in force.
    const value = (key) => {
        const text = records.get(key);
        return text === '' ? undefined : text;
    };
    const sizeText = value('size');
    if (sizeText !== undefined &&
        !(/^[0-9]+$/.test(sizeText) && Number.isSafeInteger(Number(sizeText)))) {
        throw new TarError(`tar PAX header at byte ${offset} has size ${JSON.stringify(sizeText)}, not a decimal number; the layer is not a valid tar archive`);
    }
    const size = sizeText === undefined ? undefined : Number(sizeText);
    const sparse = records.has('GNU.sparse.major') ||
        records.has('GNU.sparse.map') ||
        records.has('GNU.sparse.numblocks');
    return {
        // GNU sparse formats 0.1 and 1.0 keep the real name here and a placeholder in `path`.
        path: value('GNU.sparse.name') ?? value('path'),
        size,
        sparse
    };
}

;// CONCATENATED MODULE: ./src/verify/check.ts
/**
 * The architecture check: every ELF file in a layer must be built for the platform the image
 * claims, unless an allow-list pattern says the file is meant to be foreign.
 */





/** x86-64 CPUs run i386 code natively, and amd64 images carry it (lib32, grub's i386-pc modules). */
const ALSO_NATIVE = { amd64: ['386'] };
/**
 * Judge one file by the first bytes of its content. Only the architecture is compared: an
 * ELF header cannot tell arm v6 from v7, nor amd64 v2 from v3.
 */
function judgeFile(path, head, expected, allow) {
    const identity = readElfIdentity(head);
    if (identity === undefined)
        return { kind: 'not-elf' };
    const platform = elfPlatform(identity);
    if (platform === undefined || runsAs(platform, expected))
        return { kind: 'native' };
    return {
        kind: 'foreign',
        found: (0,src_platform/* formatPlatform */.Bq)({ os: 'linux', ...platform }),
        allowed: allow.some(matches => matches(path))
    };
}
function runsAs(platform, expected) {
    return (platform.architecture === expected.architecture ||
        (ALSO_NATIVE[expected.architecture]?.includes(platform.architecture) ?? false));
}
/**
 * Stream one layer blob (gzip, zstd or plain tar) and report the ELF files built for another
 * architecture. File contents are skipped after their first bytes, so memory stays bounded.
 */
async function scanLayer(source, expected, options) {
    const allow = options.allow.map(compileGlob);
    const expectedName = (0,src_platform/* formatPlatform */.Bq)({ os: 'linux', ...expected });
    const layer = await decompressLayer(source, options.mediaType);
    let files = 0;
    let elfFiles = 0;
    const mismatches = [];
    const allowed = [];
    for await (const entry of readTar(layer.stream)) {
        if (entry.type !== 'file')
            continue;
        files++;
        const path = normaliseLayerPath(entry.path);
        const verdict = judgeFile(path, entry.head, expected, allow);
        if (verdict.kind === 'not-elf')
            continue;
        elfFiles++;
        if (verdict.kind === 'native')
            continue;
        if (verdict.allowed)
            allowed.push({ path, found: verdict.found });
        else
            mismatches.push({ path, found: verdict.found, expected: expectedName });
    }
    return {
        files,
        elfFiles,
        mismatches,
        allowed,
        compression: layer.compression,
        ...(layer.note === undefined ? {} : { note: layer.note })
    };
}
/** One line for an error message: `usr/bin/app is linux/amd64, expected linux/arm64`. */
function formatMismatch(mismatch) {
    return `${mismatch.path} is ${mismatch.found}, expected ${mismatch.expected}`;
}

;// CONCATENATED MODULE: ./src/verify/image.ts







/**
 * The layer scans of one run, each started once per layer and architecture, whoever asks
 * first: an engine that writes a platform's image before the whole result is ready lets the
 * check start on it there, and the check proper then takes the scans already under way.
 * A layer is named by its digest, so a scan holds for every image that lists that layer.
 */
class LayerScans {
    allow;
    scans = new Map();
    // Layers are read side by side (gunzip runs on Node's thread pool), a few at a time.
    gate = (0,bounded/* limiter */.TA)(Math.max(2, (0,external_node_os_.availableParallelism)()));
    constructor(allow) {
        this.allow = allow;
    }
    /**
     * Each layer's scan for `image`, in its order, started where no one started it yet; and
     * how many of them were started for this platform (the rest were read for another
     * platform of the same architecture).
     */
    start(image) {
        const expected = (0,src_platform/* parsePlatform */.FL)(image.platform);
        const layerScans = image.layers.map(layer => {
            const key = `${layer.digest} ${expected.architecture}`;
            const known = this.scans.get(key);
            if (known !== undefined)
                return known;
            const scan = this.gate(async () => scanLayer(await image.open(layer.digest), {
                architecture: expected.architecture,
                ...(expected.variant ? { variant: expected.variant } : {})
            }, { allow: this.allow, mediaType: layer.mediaType }));
            // Awaited by the check, in order; until then a failure must not count as unhandled.
            scan.catch(() => undefined);
            const started = { platform: image.platform, scan };
            this.scans.set(key, started);
            return started;
        });
        return {
            layerScans: layerScans.map(entry => entry.scan),
            scanned: new Set(layerScans.filter(entry => entry.platform === image.platform).map(entry => entry.scan)).size
        };
    }
}
/**
 * Check every layer of every platform for ELF files of another architecture. A layer is read
 * once per architecture however many platforms share it. Under `error`, a mismatch throws
 * (naming file, found and expected) before any tag moves; under `warn` it is annotated.
 */
async function verifyPlatforms(images, policy, allow, 
/** Filled as platforms are checked, so a caller sees the results even when this throws. */
results = [], 
/** The engine pushed to the tags itself, so the check comes too late to keep them. */
afterTagsMoved = false, 
/** Scans already started on the same layers (with the same `allow`). */
scans = new LayerScans(allow)) {
    // Every platform's scans start now (those not started earlier); the results are then
    // taken in order, platform by platform.
    const planned = images.map(image => policy === 'off' ? { image, layerScans: [], scanned: 0 } : { image, ...scans.start(image) });
    for (const { image, layerScans, scanned } of planned) {
        const layers = image.layers.length;
        const bytes = image.layers.reduce((total, layer) => total + layer.size, 0);
        if (policy === 'off') {
            results.push({ ...empty(image.platform, layers, bytes), status: 'skipped' });
            continue;
        }
        let elfFiles = 0;
        const mismatches = [];
        const allowed = [];
        for (const scan of layerScans) {
            const result = await scan;
            elfFiles += result.elfFiles;
            mismatches.push(...result.mismatches.map(mismatch => ({ ...mismatch, expected: image.platform })));
            allowed.push(...result.allowed);
        }
        const status = mismatches.length === 0 ? 'passed' : policy === 'warn' ? 'warned' : 'failed';
        results.push({
            platform: image.platform,
            layers,
            bytes,
            scanned,
            elfFiles,
            mismatches,
            allowed,
            status
        });
        core/* info */.pq(`${image.platform}: ${elfFiles} ELF files in ${layers} layers (${scanned} read): ${mismatches.length === 0 ? 'all match' : `${mismatches.length} of another architecture`}${allowed.length > 0 ? `, ${allowed.length} foreign but allowed` : ''}`);
        // File names come out of the image: fenced in the log; an annotation carries them escaped.
        (0,untrusted/* untrusted */.b)(allowed.map(file => `  allowed: ${file.path} is ${file.found}`).join('\n'));
        if (policy === 'warn') {
            for (const mismatch of mismatches) {
                core/* warning */.$e(formatMismatch(mismatch), { title: `architecture check (${image.platform})` });
            }
        }
        else {
            (0,untrusted/* untrusted */.b)(mismatches.map(mismatch => `  ${formatMismatch(mismatch)}`).join('\n'));
        }
    }
    const failed = results.filter(result => result.status === 'failed');
    if (failed.length > 0) {
        const lines = failed.flatMap(result => result.mismatches.slice(0, 5).map(formatMismatch));
        const more = failed.reduce((total, result) => total + result.mismatches.length, 0) - lines.length;
        throw new errors/* ActionError */.lZ(`architecture check failed: ${lines.join('; ')}${more > 0 ? ` (and ${more} more)` : ''}`, `Build those files for the target platform (a base image or toolchain of that architecture), list legitimately foreign paths in verify-arch-allow, or set verify-arch: warn. ${afterTagsMoved
            ? 'This engine pushed to the tags before the check could run: they name the faulty image'
            : 'No tag was moved'}`);
    }
    return results;
}
function empty(platform, layers, bytes) {
    return { platform, layers, bytes, scanned: 0, elfFiles: 0, mismatches: [], allowed: [] };
}


/***/ }),

/***/ 4855:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   l: () => (/* binding */ registryPlatformImages),
/* harmony export */   u: () => (/* binding */ localBlobs)
/* harmony export */ });
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3838);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(1455);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_fs_promises__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var node_stream__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(7075);
/* harmony import */ var node_stream__WEBPACK_IMPORTED_MODULE_3___default = /*#__PURE__*/__webpack_require__.n(node_stream__WEBPACK_IMPORTED_MODULE_3__);
/* harmony import */ var _bounded_js__WEBPACK_IMPORTED_MODULE_7__ = __webpack_require__(6586);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(3916);
/* harmony import */ var _registry_digest_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(5035);
/* harmony import */ var _registry_layout_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(7853);








const absent = (error) => error.code === 'ENOENT';
/** The blobs of the OCI layout in `dir`, held to the same digest checks as a registry's. */
function localBlobs(dir) {
    const mismatch = (digest) => (actual) => new _errors_js__WEBPACK_IMPORTED_MODULE_4__/* .ActionError */ .lZ(`${(0,_registry_layout_js__WEBPACK_IMPORTED_MODULE_6__/* .blobPath */ .nD)(dir, digest)} hashes to ${actual}, not to the ${digest} it is named`);
    return {
        manifest: async (digest) => {
            const bytes = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_2__.readFile)((0,_registry_layout_js__WEBPACK_IMPORTED_MODULE_6__/* .blobPath */ .nD)(dir, digest)).catch((error) => {
                if (absent(error))
                    return undefined;
                throw error;
            });
            if (bytes === undefined)
                return undefined;
            const actual = (0,_registry_digest_js__WEBPACK_IMPORTED_MODULE_5__/* .digestOf */ .ol)(bytes);
            if (actual !== digest)
                throw mismatch(digest)(actual);
            return bytes;
        },
        open: async (digest) => {
            const file = (0,_registry_layout_js__WEBPACK_IMPORTED_MODULE_6__/* .blobPath */ .nD)(dir, digest);
            const found = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_2__.stat)(file).catch((error) => {
                if (absent(error))
                    return undefined;
                throw error;
            });
            if (found === undefined)
                return undefined;
            // A failed read ends the verifying stream with that error; its consumer sees it.
            return (0,node_stream__WEBPACK_IMPORTED_MODULE_3__.pipeline)((0,node_fs__WEBPACK_IMPORTED_MODULE_1__.createReadStream)(file), (0,_registry_digest_js__WEBPACK_IMPORTED_MODULE_5__/* .verifyingStream */ .oP)(digest, mismatch(digest)), () => { });
        }
    };
}
/**
 * Platform images held by a registry repository, their layers streamed from it, or read
 * from `local` where it holds the same digests (an OCI layout written by the same build).
 */
async function registryPlatformImages(client, registry, repository, manifests, local) {
    // One request per manifest, a few at a time: a 60-platform merge should not wait 60 round trips.
    return (0,_bounded_js__WEBPACK_IMPORTED_MODULE_7__/* .mapBounded */ .yJ)(manifests, _bounded_js__WEBPACK_IMPORTED_MODULE_7__/* .REGISTRY_CONCURRENCY */ .yT, async ({ platform, digest }) => {
        const raw = (await local?.manifest(digest)) ??
            (await client.getManifest({ registry, repository, digest })).raw;
        const parsed = JSON.parse(raw.toString('utf8'));
        return {
            platform,
            layers: parsed.layers ?? [],
            open: async (layer) => {
                const stream = await local?.open(layer);
                if (stream !== undefined)
                    return stream;
                if (local !== undefined)
                    _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .debug */ .Yz(`${layer}: not in the local layout, read from the registry`);
                return client.getBlob(repository, layer);
            }
        };
    });
}


/***/ })

};
