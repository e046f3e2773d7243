export const id = 277;
export const ids = [277];
export const modules = {

/***/ 6277:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  runBuild: () => (/* binding */ runBuild)
});

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 7 modules
var core = __webpack_require__(3838);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
var external_node_path_default = /*#__PURE__*/__webpack_require__.n(external_node_path_);
// EXTERNAL MODULE: ./src/cancel.ts
var cancel = __webpack_require__(833);
// EXTERNAL MODULE: ./src/constants.ts
var constants = __webpack_require__(7242);
// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(3916);
// EXTERNAL MODULE: ./src/leg-record.ts
var leg_record = __webpack_require__(5193);
// EXTERNAL MODULE: ./src/login.ts
var src_login = __webpack_require__(2430);
// EXTERNAL MODULE: ./src/outputs.ts
var outputs = __webpack_require__(7729);
// EXTERNAL MODULE: ./src/platform.ts
var src_platform = __webpack_require__(3728);
// EXTERNAL MODULE: ./src/plan.ts
var src_plan = __webpack_require__(2464);
// EXTERNAL MODULE: ./src/reference.ts
var src_reference = __webpack_require__(8286);
// EXTERNAL MODULE: ./src/docker-metadata.ts
var docker_metadata = __webpack_require__(2325);
// EXTERNAL MODULE: ./src/source-date-epoch.ts
var source_date_epoch = __webpack_require__(5495);
// EXTERNAL MODULE: ./src/publish/compare.ts
var compare = __webpack_require__(4304);
;// CONCATENATED MODULE: ./src/publish/pipeline.ts
/**
 * The one way a built image becomes a published one, for every engine, in this order:
 * check the architecture -> smoke test -> push by digest -> move the tags -> read back and
 * compare. Each stage runs only when every stage before it passed, so no tag ever moves to
 * an image that failed a check, and an output is never what the build merely claimed.
 */


const Stage = {
    Compare: 'Compare with expect-digests',
    Verify: "Check each platform's binaries",
    Smoke: 'Smoke test',
    Push: 'Push by digest (no tag moves yet)',
    Tags: 'Move the tags',
    ReadBack: 'Read back from the registry'
};
function emptyRecord() {
    return { result: undefined, pushed: undefined, smoke: [], skipped: [], comparison: undefined };
}
async function publish(image, settings, steps, group, record = emptyRecord()) {
    if (image.kind === 'unavailable') {
        if (settings.expectDigests !== undefined) {
            throw new errors/* ActionError */.lZ(`\`expect-digests\` cannot be compared: the image ${image.reason}`);
        }
        if (settings.push)
            throw new errors/* ActionError */.lZ(`nothing can be pushed: the image ${image.reason}`);
        if (settings.smokeTest !== '') {
            throw new errors/* ActionError */.lZ(`the smoke test cannot run: the image ${image.reason}`, 'Set `push: true`, or `outputs: type=oci,dest=DIR,tar=false`, so the image can be read');
        }
        if (settings.verifyArch !== 'off') {
            record.skipped.push(`architecture check: the image ${image.reason}`);
        }
        return record;
    }
    const result = await steps.open(image);
    record.result = result;
    const expected = settings.expectDigests;
    if (expected !== undefined) {
        // First, before any check or push: a rebuild that differs has nothing to publish.
        await group(Stage.Compare, () => {
            const rows = (0,compare/* compareDigests */.vR)(expected, result.digests);
            record.comparison = rows;
            for (const row of rows)
                steps.report(describeRow(row));
            const failure = (0,compare/* comparisonFailure */.E6)(rows);
            return failure === undefined ? Promise.resolve() : Promise.reject(failure);
        });
    }
    if (settings.verifyArch === 'off')
        record.skipped.push('architecture check: `verify-arch: off`');
    else
        await group(Stage.Verify, () => steps.verify(result.platforms));
    if (settings.smokeTest !== '') {
        await group(Stage.Smoke, async () => {
            record.smoke.push(...judgeSmoke(await steps.smokeTest(image), settings.smokeTestExpect));
            const failed = record.smoke.filter(outcome => !outcome.passed);
            if (failed.length > 0)
                throw smokeFailure(settings, failed);
        });
    }
    if (!settings.push)
        return record;
    await group(Stage.Push, () => steps.pushByDigest(result, image));
    await group(Stage.Tags, () => steps.moveTags(result));
    record.pushed = await group(Stage.ReadBack, async () => {
        const pushed = await steps.readBack();
        if (pushed.digest !== result.digest) {
            throw new errors/* ActionError */.lZ(`the registry serves ${pushed.digest} under the tags, but this run pushed ${result.digest}`, 'Another push moved a tag meanwhile; no output names an image this run did not build');
        }
        return pushed;
    });
    return record;
}
function describeRow(row) {
    if (row.match)
        return `${row.platform}: ${row.built ?? ''} as expected`;
    return `${row.platform}: expected ${row.expected ?? '(none)'}, built ${row.built ?? '(none)'}`;
}
/** Pass or fail per platform: exit code 0, and the output matching the expectation if any. */
function judgeSmoke(results, expect) {
    return results.map(result => ({
        platform: result.platform,
        passed: result.exitCode === 0 && (expect?.test(result.output) ?? true),
        seconds: result.seconds,
        output: result.output
    }));
}
function smokeFailure(settings, failed) {
    return new errors/* ActionError */.lZ(`smoke test \`${settings.smokeTest}\` failed on ${failed
        .map(outcome => `${outcome.platform} (output: ${JSON.stringify(outcome.output.slice(0, 200))})`)
        .join(', ')}${settings.smokeTestExpect
        ? `; expected output matching /${settings.smokeTestExpect.source}/`
        : ''}`, 'No tag was moved');
}

// EXTERNAL MODULE: external "node:child_process"
var external_node_child_process_ = __webpack_require__(1421);
;// CONCATENATED MODULE: ./src/qemu/arm32-probe-binary.ts
// Generated by scripts/arm32-probe.sh from src/qemu/arm32-probe.S; do not edit.
/** The 32-bit Arm probe, a static ELF executable, base64. */
const ARM32_PROBE_BASE64 = 'f0VMRgEBAQAAAAAAAAAAAAIAKAABAAAAVAABADQAAACsAAAAAAIABTQAIAABACgABAADAAEAAAAAAAAAAAABAAAAAQB4AAAAeAAAAAUAAAAAEAAAFACP4gAQoOOicKDjAAAA7wAAoOMBcKDjAAAA7wAAAAAAo+ERQREAAABhZWFiaQABBwAAAAgBAC5zaHN0cnRhYgAudGV4dAAuQVJNLmF0dHJpYnV0ZXMAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAALAAAAAQAAAAYAAABUAAEAVAAAACQAAAAAAAAAAAAAAAQAAAAAAAAAEQAAAAMAAHAAAAAAAAAAAHgAAAASAAAAAAAAAAAAAAABAAAAAAAAAAEAAAADAAAAAAAAAAAAAACKAAAAIQAAAAAAAAAAAAAAAQAAAAAAAAA=';

;// CONCATENATED MODULE: ./src/qemu/arm32-probe.ts
/**
 * Does this runner execute 32-bit Arm natively? Some arm64 CPUs do (AArch32 at EL0), many
 * do not, and GitHub's arm64 runners have been reported both ways. The answer comes from
 * running a tiny static arm/v7 binary and looking at what the kernel ran: a binfmt_misc
 * handler for 32-bit Arm takes precedence over native execution, so "it exited 0" would be
 * fooled by QEMU; /proc/PID/exe is the probe itself only when the CPU ran it.
 */




/** Native only when the process was the probe itself and it ended well. Pure. */
function judgeProbe(run, probe) {
    if (run.spawnError !== undefined) {
        return {
            native: false,
            detail: `the kernel cannot run it (${run.spawnError}) and no QEMU handler is registered for it`
        };
    }
    if (run.exe === undefined) {
        return { native: false, detail: 'what ran it could not be seen' };
    }
    if (run.exe !== probe) {
        return { native: false, detail: `it ran under ${run.exe}, not on the CPU` };
    }
    if (run.exitCode !== 0) {
        return { native: false, detail: `it ran natively but exited ${String(run.exitCode)}` };
    }
    return { native: true, detail: 'the CPU ran it' };
}
/** Run the probe once from `dir` (the run's private folder) and judge it. */
async function probeArm32(dir) {
    const file = external_node_path_default().join(dir, 'arm32-probe');
    await (0,promises_.writeFile)(file, Buffer.from(ARM32_PROBE_BASE64, 'base64'), { mode: 0o755 });
    try {
        const probe = await (0,promises_.realpath)(file);
        const run = await new Promise(resolve => {
            const child = (0,external_node_child_process_.spawn)(probe, [], { stdio: 'ignore' });
            let exe;
            child.once('spawn', () => {
                // The probe sleeps 300 ms: long enough to see what the kernel started.
                (0,promises_.readlink)(`/proc/${String(child.pid)}/exe`).then(found => (exe = found), () => undefined);
            });
            child.once('error', error => {
                resolve({ spawnError: error.code ?? error.message });
            });
            child.once('exit', code => {
                resolve({ ...(exe === undefined ? {} : { exe }), exitCode: code });
            });
        });
        return judgeProbe(run, probe);
    }
    finally {
        await (0,promises_.rm)(file, { force: true });
    }
}

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: ./src/exec.ts
var exec = __webpack_require__(3190);
;// CONCATENATED MODULE: ./src/qemu/binfmt-table.ts
const BINFMT_TABLE = [
    { architecture: 'amd64', qemu: 'x86_64', elfClass: 2, elfData: 1, machine: 0x3e },
    { architecture: '386', qemu: 'i386', elfClass: 1, elfData: 1, machine: 0x03 },
    { architecture: 'arm64', qemu: 'aarch64', elfClass: 2, elfData: 1, machine: 0xb7 },
    { architecture: 'arm', qemu: 'arm', elfClass: 1, elfData: 1, machine: 0x28 },
    { architecture: 'ppc64le', qemu: 'ppc64le', elfClass: 2, elfData: 1, machine: 0x15 },
    { architecture: 's390x', qemu: 's390x', elfClass: 2, elfData: 2, machine: 0x16 },
    { architecture: 'riscv64', qemu: 'riscv64', elfClass: 2, elfData: 1, machine: 0xf3 },
    { architecture: 'mips64le', qemu: 'mips64el', elfClass: 2, elfData: 1, machine: 0x08 },
    { architecture: 'mips64', qemu: 'mips64', elfClass: 2, elfData: 2, machine: 0x08 },
    { architecture: 'loong64', qemu: 'loongarch64', elfClass: 2, elfData: 1, machine: 0x102 }
];
const MAGIC_LENGTH = 20;
function binfmtRow(architecture) {
    return BINFMT_TABLE.find(row => row.architecture === architecture);
}
function uint16(value, elfData) {
    const low = value & 0xff;
    const high = (value >> 8) & 0xff;
    return elfData === 1 ? [low, high] : [high, low];
}
/** The 20 header bytes of an executable of this architecture (e_type = ET_EXEC). */
function binfmtMagic(row) {
    const ident = [0x7f, 0x45, 0x4c, 0x46, row.elfClass, row.elfData, 0x01, 0x00];
    const padding = new Array(8).fill(0);
    const executable = uint16(0x0002, row.elfData);
    return Buffer.from([...ident, ...padding, ...executable, ...uint16(row.machine, row.elfData)]);
}
/**
 * Which header bits must match: all but EI_OSABI (Linux binaries say SYSV or GNU) and
 * the lowest bit of e_type, so that both ET_EXEC (2) and ET_DYN (3, PIE) match.
 */
function binfmtMask(row) {
    const ident = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00];
    const padding = new Array(8).fill(0xff);
    return Buffer.from([...ident, ...padding, ...uint16(0xfffe, row.elfData), 0xff, 0xff]);
}
/** binfmt_misc's escaped form: every byte as \xHH, so no byte can end a field. */
function escapeBytes(bytes) {
    return [...bytes].map(byte => `\\x${byte.toString(16).padStart(2, '0')}`).join('');
}

;// CONCATENATED MODULE: ./src/qemu/binfmt.ts



const BINFMT_DIR = '/proc/sys/fs/binfmt_misc';
/**
 * Parse one handler file: `enabled`, `interpreter X`, `flags: PF`, `offset 0`,
 * `magic 7f45...`, `mask ff...`. Extension handlers (`extension .jar`) have no magic.
 */
function parseHandler(name, text) {
    let enabled = false;
    let interpreter = '';
    let flags = '';
    let offset = 0;
    let magic;
    let mask;
    for (const line of text.split('\n')) {
        const trimmed = line.trim();
        if (trimmed === 'enabled')
            enabled = true;
        else if (trimmed.startsWith('interpreter '))
            interpreter = trimmed.slice('interpreter '.length);
        else if (trimmed.startsWith('flags:'))
            flags = trimmed.slice('flags:'.length).trim();
        else if (trimmed.startsWith('offset '))
            offset = Number(trimmed.slice('offset '.length));
        else if (trimmed.startsWith('magic '))
            magic = Buffer.from(trimmed.slice(6), 'hex');
        else if (trimmed.startsWith('mask '))
            mask = Buffer.from(trimmed.slice(5), 'hex');
    }
    if (magic === undefined)
        return undefined;
    return { name, enabled, interpreter, flags, offset, magic, mask };
}
/** Whether the kernel would hand an executable of `row`'s architecture to this handler. */
function handlerMatches(handler, row) {
    const header = binfmtMagic(row);
    if (handler.offset + handler.magic.length > header.length)
        return false;
    for (let index = 0; index < handler.magic.length; index++) {
        const maskByte = handler.mask?.[index] ?? 0xff;
        const fileByte = header[handler.offset + index] ?? 0;
        if ((fileByte & maskByte) !== ((handler.magic[index] ?? 0) & maskByte))
            return false;
    }
    return true;
}
/**
 * Is there a handler that runs this architecture inside a build container? It must be
 * enabled and carry `F`: without it the kernel looks the interpreter up inside the
 * container's root at exec time, where it does not exist.
 */
function judgeHandlers(handlers, row) {
    const matching = handlers.filter(handler => handlerMatches(handler, row));
    const usable = matching.find(handler => handler.enabled && handler.flags.includes('F'));
    if (usable !== undefined)
        return { usable: true, handler: usable };
    const [first] = matching;
    if (first === undefined)
        return { usable: false, reason: 'no handler is registered' };
    if (!first.enabled)
        return { usable: false, reason: `handler ${first.name} is disabled` };
    return {
        usable: false,
        reason: `handler ${first.name} lacks the F flag, so it cannot run inside containers`
    };
}
/**
 * The line to write to `register`: `:name:M:offset:magic:mask:interpreter:flags`.
 * `P` only where the interpreter is QEMU's `-binfmt-P` entry, which expects argv[0] preserved.
 */
function registrationLine(name, row, interpreter) {
    if (/[:\s]/.test(interpreter) || /[:/\s]/.test(name)) {
        throw new Error(`cannot register ${name}: ${interpreter} has a colon or blank in its path`);
    }
    const flags = interpreter.endsWith('-binfmt-P') ? 'FP' : 'F';
    const magic = escapeBytes(binfmtMagic(row).subarray(0, MAGIC_LENGTH));
    const mask = escapeBytes(binfmtMask(row));
    return `:${name}:M:0:${magic}:${mask}:${interpreter}:${flags}`;
}
/** Every handler with a magic under `dir`; no process is spawned, only /proc is read. */
async function readHandlers(dir = BINFMT_DIR) {
    const names = await (0,promises_.readdir)(dir);
    const handlers = [];
    for (const name of names) {
        if (name === 'register' || name === 'status')
            continue;
        try {
            const handler = parseHandler(name, await (0,promises_.readFile)(external_node_path_default().join(dir, name), 'utf8'));
            if (handler !== undefined)
                handlers.push(handler);
        }
        catch {
            // A handler removed between readdir and readFile is simply gone.
        }
    }
    return handlers;
}

;// CONCATENATED MODULE: ./src/qemu/apt.ts
/**
 * Installing qemu-user-static with apt on a runner image as it really is: package lists that
 * are missing or older than the archive, and a dpkg lock held by the image's own upgrades.
 * The plan is pure (what happened so far -> the next command); the shell below runs it.
 */





/** Lists older than this are refreshed before the install: the archive moves on weekly or faster. */
const LIST_MAX_AGE_HOURS = 24;
/** How long apt waits for another apt or dpkg (an unattended upgrade) to let go of the lock. */
const DPKG_LOCK_TIMEOUT_SECONDS = 300;
const QEMU_PACKAGE = 'qemu-user-static';
/** The state of the lists from their `*_Packages*` files' modification times (ms). */
function listState(packagesMtimes, nowMs) {
    if (packagesMtimes.length === 0)
        return { kind: 'missing' };
    const ageHours = (nowMs - Math.max(...packagesMtimes)) / 3_600_000;
    return ageHours > LIST_MAX_AGE_HOURS ? { kind: 'stale', ageHours } : { kind: 'fresh', ageHours };
}
/** Which failure an apt command's output shows. */
function classifyAptFailure(output) {
    if (/a password is required|a terminal is required/i.test(output))
        return 'privilege';
    if (/Could not get lock|Unable to acquire the dpkg frontend lock|Unable to lock (the )?(administration|directory)/i.test(output)) {
        return 'lock';
    }
    if (/Unable to locate package|has no installation candidate|404\s+Not Found|Failed to fetch|File not found|maybe run apt-get update/i.test(output)) {
        return 'stale-lists';
    }
    return 'other';
}
function describeLists(lists) {
    return lists.kind === 'missing'
        ? 'the package lists are missing'
        : `the package lists are ${Math.round(lists.ageHours)} hours old`;
}
/**
 * The next apt command after `history`: refresh the lists first when they are missing or old,
 * then install; refresh once more and retry when the install finds no package or a 404; stop
 * on anything a refresh cannot mend.
 */
function nextAptStep(lists, history) {
    const last = history.at(-1);
    if (last === undefined) {
        return lists.kind === 'fresh'
            ? { kind: 'install' }
            : { kind: 'update', why: describeLists(lists) };
    }
    // A partly failed refresh is no reason to stop: the one list we need may have come through.
    if (last.command === 'update')
        return { kind: 'install' };
    const updated = history.some(event => event.command === 'update');
    switch (last.failure) {
        case 'stale-lists':
            return updated
                ? {
                    kind: 'stop',
                    why: `${QEMU_PACKAGE} is still not installable after refreshing the package lists`,
                    fix: `Check the runner's apt sources, or install ${QEMU_PACKAGE} before this step`
                }
                : {
                    kind: 'update',
                    why: 'the install found no package or a version the archive no longer has'
                };
        case 'lock':
            return {
                kind: 'stop',
                why: `another apt or dpkg held the dpkg lock for over ${DPKG_LOCK_TIMEOUT_SECONDS} s`,
                fix: `Wait for the runner's own upgrades to finish, or install ${QEMU_PACKAGE} before this step`
            };
        case 'privilege':
            return {
                kind: 'stop',
                why: 'installing needs root, and sudo asked for a password',
                fix: `Run as root or with passwordless sudo, or install ${QEMU_PACKAGE} before this step`
            };
        case 'other':
            return {
                kind: 'stop',
                why: `apt-get could not install ${QEMU_PACKAGE}`,
                fix: `Install ${QEMU_PACKAGE} before this step`
            };
    }
}
/** apt-get's arguments for one step. */
function aptGetArgs(kind) {
    const lock = ['-o', `DPkg::Lock::Timeout=${DPKG_LOCK_TIMEOUT_SECONDS}`];
    return kind === 'update'
        ? [...lock, '-q', 'update']
        : [...lock, '-q', '-y', '--no-install-recommends', 'install', QEMU_PACKAGE];
}
/**
 * The whole command: apt-get itself as root, else through `sudo -n`. `env` carries what sudo
 * would drop: no questions asked, and the apt configuration the runner points APT_CONFIG at.
 */
function aptCommand(kind, root, aptConfig) {
    const env = [
        'DEBIAN_FRONTEND=noninteractive',
        ...(aptConfig === undefined || aptConfig === '' ? [] : [`APT_CONFIG=${aptConfig}`])
    ];
    const argv = ['env', ...env, 'apt-get', ...aptGetArgs(kind)];
    return root
        ? { program: argv[0] ?? 'env', args: argv.slice(1) }
        : { program: 'sudo', args: ['-n', ...argv] };
}
/** Where apt keeps its lists, as apt's own configuration (APT_CONFIG included) says. */
async function listsDirectory() {
    const result = await (0,exec/* exec */.m0)('apt-config', ['shell', 'LISTS', 'Dir::State::Lists/d'], {
        silent: true,
        allowFailure: true
    }).catch(() => undefined);
    const found = /LISTS='([^']*)'/.exec(result?.stdout ?? '')?.[1];
    return found === undefined || found === '' ? '/var/lib/apt/lists' : found;
}
/** The lists' state on disk: the modification times of their `*_Packages*` files. */
async function readListState(nowMs = Date.now()) {
    const dir = await listsDirectory();
    const names = await (0,promises_.readdir)(dir).catch(() => []);
    const mtimes = await Promise.all(names
        .filter(name => /_Packages(\.\w+)?$/.test(name))
        .map(async (name) => (await (0,promises_.stat)(external_node_path_default().join(dir, name))).mtimeMs));
    core/* debug */.Yz(`apt lists in ${dir}: ${mtimes.length} Packages files`);
    return listState(mtimes, nowMs);
}
/** How many apt commands may run at most: a refresh, an install, a refresh, an install. */
const MAX_STEPS = 4;
/**
 * Install qemu-user-static, refreshing the package lists where the plan says so. Each apt
 * command's output goes to the log; a failure names the whole command and what it printed.
 */
async function installQemuPackage(root = process.getuid?.() === 0, env = process.env) {
    const lists = await readListState();
    const history = [];
    let lastFailed;
    for (let count = 0; count < MAX_STEPS; count++) {
        const step = nextAptStep(lists, history);
        if (step.kind === 'stop') {
            const tail = lastFailed === undefined
                ? ''
                : `: \`${lastFailed.command}\` exited with code ${lastFailed.result.exitCode}${lastLines(lastFailed.result)}`;
            throw new errors/* ActionError */.lZ(`${step.why}${tail}`, step.fix);
        }
        if (step.kind === 'update')
            core/* info */.pq(`refreshing the package lists: ${step.why}`);
        const { program, args } = aptCommand(step.kind, root, env.APT_CONFIG);
        const result = await (0,exec/* exec */.m0)(program, args, { allowFailure: true });
        if (step.kind === 'update') {
            history.push({ command: 'update', ok: result.exitCode === 0 });
            if (result.exitCode !== 0) {
                core/* warning */.$e(`\`${(0,exec/* commandLine */.ay)(program, args)}\` exited with code ${result.exitCode}; trying the install with the lists it did refresh`);
            }
            continue;
        }
        if (result.exitCode === 0)
            return;
        const failure = classifyAptFailure(`${result.stdout}\n${result.stderr}`);
        core/* debug */.Yz(`apt-get install failed: ${failure}`);
        history.push({ command: 'install', failure });
        lastFailed = { command: (0,exec/* commandLine */.ay)(program, args), result };
    }
    throw new errors/* ActionError */.lZ(`apt-get did not install ${QEMU_PACKAGE} in ${MAX_STEPS} commands`);
}
function lastLines(result) {
    const lines = `${result.stdout}\n${result.stderr}`
        .trim()
        .split('\n')
        .filter(line => line.trim() !== '')
        .slice(-6);
    return lines.length === 0 ? '' : `:\n${lines.join('\n')}`;
}

;// CONCATENATED MODULE: ./src/qemu/setup.ts










/** Where QEMU's user-mode emulators live: Debian's `-binfmt-P` entries, then the usual bins and PATH. */
function defaultSearchDirs() {
    const onPath = (process.env.PATH ?? '').split((external_node_path_default()).delimiter).filter(dir => dir !== '');
    return ['/usr/libexec/qemu-binfmt', '/usr/bin', '/usr/local/bin', ...onPath];
}
/** Candidate emulator paths in `dirs`, best first: a `-binfmt-P` entry preserves argv[0]. */
function interpreterCandidates(row, dirs) {
    return dirs.flatMap(dir => [
        external_node_path_default().join(dir, `${row.qemu}-binfmt-P`),
        external_node_path_default().join(dir, `qemu-${row.qemu}-static`)
    ]);
}
/** Whether `file` exists (and, with X_OK, may be executed). */
async function accessible(file, mode = external_node_fs_.constants.F_OK) {
    try {
        await (0,promises_.access)(file, mode);
        return true;
    }
    catch {
        return false;
    }
}
async function findInterpreter(row, dirs) {
    for (const candidate of interpreterCandidates(row, dirs)) {
        if (await accessible(candidate, external_node_fs_.constants.X_OK))
            return candidate;
    }
    return undefined;
}
const isRoot = () => process.getuid?.() === 0;
/** Run a privileged command: directly as root, else through passwordless sudo. */
async function privileged(program, args) {
    if (isRoot())
        await (0,exec/* exec */.m0)(program, args, { silent: true });
    else
        await (0,exec/* exec */.m0)('sudo', ['-n', program, ...args], { silent: true });
}
async function writeProc(file, content) {
    if (isRoot())
        await (0,promises_.writeFile)(file, content);
    else
        await (0,exec/* exec */.m0)('sudo', ['-n', 'tee', file], { input: Buffer.from(content), silent: true });
}
async function ensureMounted(dir) {
    if (await accessible(external_node_path_default().join(dir, 'register')))
        return;
    try {
        await privileged('mount', ['-t', 'binfmt_misc', 'binfmt_misc', dir]);
    }
    catch (error) {
        throw new errors/* ActionError */.lZ(`binfmt_misc is not mounted at ${dir} and mounting it failed (${(0,errors/* errorMessage */.gJ)(error)})`, 'Run as root or with passwordless sudo, or set `qemu: false` and build only native platforms');
    }
}
/** The platforms QEMU must serve: none, the plan's emulated ones, an override, or all. */
function qemuTargets(plan, options) {
    if (options.choice === 'false')
        return [];
    if (options.platforms !== undefined)
        return [...options.platforms];
    const emulated = plan.filter(entry => entry.emulated).map(entry => entry.platform);
    if (options.choice === 'auto')
        return emulated;
    const host = plan.find(entry => !entry.emulated)?.platform.architecture;
    const everyOther = BINFMT_TABLE.filter(row => row.architecture !== host).map(row => ({ os: 'linux', architecture: row.architecture }));
    return [...emulated, ...everyOther];
}
/**
 * Make sure binfmt_misc hands every target architecture to QEMU with the F flag.
 * Registers nothing unless every missing architecture has an emulator, and removes
 * what it registered if a later registration fails, so nothing is half-done.
 */
async function setupQemu(plan, options) {
    const dir = options.binfmtDir ?? BINFMT_DIR;
    const targets = qemuTargets(plan, options);
    const reports = plan
        .filter(entry => !entry.emulated)
        .map(entry => ({ platform: entry.name, outcome: { kind: 'native' } }));
    if (targets.length === 0) {
        if (options.choice === 'false' && plan.some(entry => entry.emulated)) {
            core/* warning */.$e('qemu is false: emulated platforms build only if binfmt handlers already exist');
        }
        return reports;
    }
    await ensureMounted(dir);
    const handlers = await readHandlers(dir);
    const missing = [];
    const seenRows = new Set();
    for (const platform of targets) {
        const name = (0,src_platform/* formatPlatform */.Bq)(platform);
        const row = binfmtRow(platform.architecture);
        if (row === undefined)
            throw new errors/* ActionError */.lZ(`${name}: QEMU has no user-mode emulator for it`);
        if (seenRows.has(row.architecture))
            continue;
        seenRows.add(row.architecture);
        const verdict = judgeHandlers(handlers, row);
        if (verdict.usable) {
            reports.push({ platform: name, outcome: alreadyOutcome(verdict.handler) });
        }
        else {
            missing.push({ platform: name, row, reason: verdict.reason });
        }
    }
    if (missing.length === 0)
        return reports;
    const dirs = options.searchDirs ?? defaultSearchDirs();
    let interpreters = await Promise.all(missing.map(entry => findInterpreter(entry.row, dirs)));
    if (interpreters.includes(undefined) &&
        options.allowInstall &&
        (await accessible('/usr/bin/apt-get'))) {
        core/* info */.pq('installing qemu-user-static, since no QEMU binary was found for every platform');
        await installQemuPackage(isRoot());
        interpreters = await Promise.all(missing.map(entry => findInterpreter(entry.row, dirs)));
    }
    const unserved = missing.filter((_, index) => interpreters[index] === undefined);
    if (unserved.length > 0) {
        throw new errors/* ActionError */.lZ(`no QEMU emulator for ${unserved.map(entry => entry.platform).join(', ')} (${unserved
            .map(entry => entry.reason)
            .join('; ')})`, 'Install qemu-user-static (apt-get install qemu-user-static), or remove these platforms');
    }
    const taken = new Set(handlers.map(handler => handler.name));
    const registered = [];
    try {
        for (const [index, entry] of missing.entries()) {
            const interpreter = interpreters[index] ?? '';
            const handlerName = taken.has(`qemu-${entry.row.qemu}`)
                ? `qemu-${entry.row.qemu}-fixed`
                : `qemu-${entry.row.qemu}`;
            await writeProc(external_node_path_default().join(dir, 'register'), registrationLine(handlerName, entry.row, interpreter));
            registered.push(handlerName);
            const readBack = (await readHandlers(dir)).find(handler => handler.name === handlerName);
            if (readBack === undefined || !readBack.enabled || !readBack.flags.includes('F')) {
                throw new Error(`${handlerName} did not read back as enabled with the F flag`);
            }
            reports.push({
                platform: entry.platform,
                outcome: { kind: 'registered', handler: handlerName, interpreter: readBack.interpreter }
            });
        }
    }
    catch (error) {
        for (const handlerName of registered) {
            await writeProc(external_node_path_default().join(dir, handlerName), '-1').catch(() => undefined);
        }
        throw new errors/* ActionError */.lZ(`registering QEMU handlers failed: ${(0,errors/* errorMessage */.gJ)(error)}; none were left registered`, 'Run as root or with passwordless sudo');
    }
    return reports;
}
function alreadyOutcome(handler) {
    return { kind: 'already', handler: handler.name, interpreter: handler.interpreter };
}
function describeOutcome(report) {
    const outcome = report.outcome;
    switch (outcome.kind) {
        case 'native':
            return `${report.platform}: native`;
        case 'already':
            return `${report.platform}: already registered (${outcome.handler} -> ${outcome.interpreter})`;
        case 'registered':
            return `${report.platform}: registered ${outcome.handler} from ${outcome.interpreter}`;
    }
}
/** `7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)` from `qemu-aarch64 --version`; undefined when unreadable. */
function parseQemuVersion(output) {
    const match = /version (\d[^\s(]*)(?: \(([^)]*)\))?/.exec(output);
    if (match?.[1] === undefined)
        return undefined;
    return match[2] === undefined || match[2] === '' ? match[1] : `${match[1]} (${match[2]})`;
}
/**
 * The version of the QEMU that serves the emulated platforms, read from the first handler's
 * emulator. A `-binfmt-P` entry reads its arguments differently, so the file it links to is asked.
 */
async function qemuVersion(reports) {
    for (const report of reports) {
        if (report.outcome.kind === 'native')
            continue;
        const interpreter = await (0,promises_.realpath)(report.outcome.interpreter).catch(() => undefined);
        if (interpreter === undefined || interpreter.endsWith('-binfmt-P'))
            continue;
        const result = await (0,exec/* exec */.m0)(interpreter, ['--version'], {
            silent: true,
            allowFailure: true
        }).catch(() => undefined);
        const version = result?.exitCode === 0 ? parseQemuVersion(result.stdout) : undefined;
        if (version !== undefined)
            return { version, interpreter };
    }
    return undefined;
}

// EXTERNAL MODULE: ./src/registry/pool.ts
var registry_pool = __webpack_require__(7937);
// EXTERNAL MODULE: ./src/state.ts
var state = __webpack_require__(2462);
// EXTERNAL MODULE: ./src/summary.ts
var summary = __webpack_require__(8855);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
;// CONCATENATED MODULE: ./src/engines/secrets.ts
/** Build secrets as files in the run's private folder: how both engines hand them over. */




/**
 * Write each secret to a file of mode 0600 in `dir`. Should one write fail, every file
 * written so far is removed before the error says which secret and why.
 */
async function writeSecretFiles(secrets, dir) {
    const files = [];
    for (const secret of secrets) {
        const file = external_node_path_default().join(dir, `secret-${(0,external_node_crypto_.randomBytes)(6).toString('hex')}`);
        try {
            await (0,promises_.writeFile)(file, secret.value, { mode: 0o600 });
        }
        catch (error) {
            await removeSecretFiles([...files, { id: secret.id, file }]);
            const code = error.code ?? 'error';
            throw new errors/* ActionError */.lZ(`cannot write build secret \`${secret.id}\` into ${dir} (${code})`, code === 'ENOSPC' ? 'Free space in RUNNER_TEMP' : 'Check that RUNNER_TEMP is writable');
        }
        files.push({ id: secret.id, file });
    }
    return files;
}
async function removeSecretFiles(files) {
    await Promise.all(files.map(secret => (0,promises_.rm)(secret.file, { force: true })));
}

// EXTERNAL MODULE: ./src/registry/layout.ts
var registry_layout = __webpack_require__(7853);
// EXTERNAL MODULE: ./src/annotations.ts
var src_annotations = __webpack_require__(105);
;// CONCATENATED MODULE: ./src/engines/buildah/argv.ts
/** The argv of every buildah command the engine runs: pure, so that tables can test them. */




/** buildah takes one cache repository each way; buildx's `type=registry,ref=X` names it. */
function buildahCacheRepository(specs, input) {
    if (specs.length === 0)
        return undefined;
    const [spec, ...extra] = specs;
    if (spec === undefined || extra.length > 0) {
        throw new errors/* ActionError */.lZ(`input \`${input}\`: the buildah engine takes one cache repository`);
    }
    const ref = spec.attributes.ref;
    if (spec.type !== 'registry' || ref === undefined) {
        throw new errors/* ActionError */.lZ(`input \`${input}\`: cache type \`${spec.type}\` is not available with the buildah engine`, 'Use type=registry,ref=REGISTRY/REPOSITORY (or just REGISTRY/REPOSITORY)');
    }
    // buildah wants a repository; a tag in the ref is the buildx habit, so drop it.
    return ref.replace(/:[\w][\w.-]*$/, '');
}
/** argv for `buildah build` of one platform into an image of its own. */
function buildahBuildArgs(request, platform, secretFiles, authFile, files = {}) {
    // --force-rm: a failed or stopped build leaves no working container behind.
    const args = ['build', '--platform', platform.name, '--layers', '--force-rm'];
    if (files.iidFile !== undefined)
        args.push('--iidfile', files.iidFile);
    if (authFile !== undefined)
        args.push('--authfile', authFile);
    const file = files.file ?? request.file;
    if (file !== '')
        args.push('--file', file);
    if (files.ignoreFile !== undefined)
        args.push('--ignorefile', files.ignoreFile);
    if (request.target !== '')
        args.push('--target', request.target);
    for (const { key, value } of [...request.buildArgs, ...(files.extraBuildArgs ?? [])]) {
        args.push('--build-arg', `${key}=${value}`);
    }
    for (const { key, value } of request.labels)
        args.push('--label', `${key}=${value}`);
    // Manifest level only: the action writes the index's own into the exported layout.
    const annotations = (0,src_annotations/* annotationsAt */.wv)(request.annotations, 'manifest', platform.name);
    for (const { key, value } of [
        ...Object.entries(annotations).map(([key, value]) => ({ key, value })),
        ...(files.extraAnnotations ?? [])
    ]) {
        args.push('--annotation', `${key}=${value}`);
    }
    // Created time, history and every file of the layers: the same bytes in any store.
    if (request.sourceDateEpoch !== undefined) {
        args.push('--timestamp', String(request.sourceDateEpoch));
    }
    for (const secret of secretFiles)
        args.push('--secret', `id=${secret.id},src=${secret.file}`);
    if (request.noCache)
        args.push('--no-cache');
    // `missing` spelled out: `--pull=false` means `missing` to buildah 1.28 but `never` to 1.4x.
    args.push(`--pull=${request.pull && files.basesPulled !== true ? 'always' : 'missing'}`);
    const cacheFrom = buildahCacheRepository(request.cacheFrom, 'cache-from');
    const cacheTo = buildahCacheRepository(request.cacheTo, 'cache-to');
    if (cacheFrom !== undefined)
        args.push('--cache-from', cacheFrom);
    if (cacheTo !== undefined)
        args.push('--cache-to', cacheTo);
    args.push(request.context);
    return args;
}
/** argv to pull one image for one platform; it prints the image id, and on stderr what it fetched. */
function buildahPullArgs(image, platform, pull, authFile) {
    const args = ['pull', '--platform', (0,src_platform/* formatPlatform */.Bq)(platform)];
    // `missing` is buildah's own policy for `--pull=false`: an image in the store is not fetched.
    args.push('--policy', pull ? 'always' : 'missing');
    if (authFile !== undefined)
        args.push('--authfile', authFile);
    args.push(image);
    return args;
}
/** argv to list every image in the store with its id and digest, one per line. */
function buildahImageDigestsArgs() {
    return ['images', '--all', '--no-trunc', '--noheading', '--format', '{{.ID}} {{.Digest}}'];
}
/** argv to read an image's index (or manifest) from the store or the registry. */
function buildahManifestInspectArgs(image) {
    return ['manifest', 'inspect', image];
}
/** argv to create the list over the platforms' images, each described by its own config. */
function buildahCreateListArgs(manifestList, imageIds) {
    return ['manifest', 'create', manifestList, ...imageIds];
}
/** buildah leaves no OCI layout of the user's whose `index.json` could carry these. */
function refuseIndexDescriptor(request) {
    const refused = (0,src_annotations/* firstAt */.yI)(request.annotations, ['index-descriptor']);
    if (refused !== undefined) {
        throw new errors/* InputError */.dz(constants/* Input */.pd.Annotations, `\`${(0,src_annotations/* formatAnnotation */.tn)(refused)}\` asks for the index-descriptor level, which the buildah engine cannot write: it leaves no OCI layout whose index.json would carry it`, 'Use the index or manifest-descriptor level, or the buildx engine with an `outputs: type=oci` layout');
    }
}
/**
 * argv to write one image to an OCI layout folder of its own: the bytes `manifest push --all`
 * would write for it, so the action can start on each platform as its build ends.
 */
function buildahExportArgs(imageId, layoutDir) {
    return ['push', '--quiet', imageId, `oci:${layoutDir}`];
}

// EXTERNAL MODULE: ./src/bounded.ts
var bounded = __webpack_require__(6586);
;// CONCATENATED MODULE: ./src/engines/buildah/dockerfile.ts
/**
 * A Dockerfile read the way BuildKit's parser (which buildah uses) reads it: parser directives,
 * comments, line continuations with the file's escape character, and heredocs, whose bodies
 * are data, not instructions. Every word keeps its offsets in the original text, so that a
 * rewrite can splice replacements in and leave every other byte as it was.
 */
function physicalLines(text) {
    const lines = [];
    let start = 0;
    while (start <= text.length) {
        const newline = text.indexOf('\n', start);
        const end = newline === -1 ? text.length : newline;
        const content = text.slice(start, end).replace(/\r$/, '');
        if (newline === -1 && start === text.length)
            break;
        lines.push({ start, content });
        if (newline === -1)
            break;
        start = newline + 1;
    }
    return lines;
}
const DIRECTIVE = /^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.*?)\s*$/;
const COMMENT = /^\s*#/;
const BLANK = /^\s*$/;
/** Words split at unquoted blanks; quotes and escapes stay in the text. */
function splitWords(chars, offsets, escape) {
    const words = [];
    let text = '';
    let at = [];
    let quote;
    const flush = () => {
        if (text !== '')
            words.push({ text, offsets: at });
        text = '';
        at = [];
    };
    for (let index = 0; index < chars.length; index++) {
        const char = chars[index] ?? '';
        if (quote === undefined && /\s/.test(char)) {
            flush();
            continue;
        }
        if (char === escape && quote !== "'" && index + 1 < chars.length) {
            text += char + (chars[index + 1] ?? '');
            at.push(offsets[index] ?? 0, offsets[index + 1] ?? 0);
            index++;
            continue;
        }
        if (quote === undefined && (char === '"' || char === "'"))
            quote = char;
        else if (char === quote)
            quote = undefined;
        text += char;
        at.push(offsets[index] ?? 0);
    }
    flush();
    return words;
}
/** `<<EOF`, `<<-EOF`, `<<"EOF"`, `<<'EOF'`, `2<<EOF`: a heredoc's start, as BuildKit reads it. */
function heredocStart(word) {
    const match = /^\d*<<(-?)([^<]+)$/.exec(word);
    if (match === null)
        return undefined;
    let delimiter = match[2] ?? '';
    const quoted = /^"(.*)"$/.exec(delimiter) ?? /^'(.*)'$/.exec(delimiter);
    if (quoted !== null)
        delimiter = quoted[1] ?? '';
    if (delimiter === '' || /["'\s]/.test(delimiter))
        return undefined;
    return { delimiter, stripTabs: match[1] === '-' };
}
/** The instructions whose words BuildKit scans for heredocs. */
const HEREDOC_INSTRUCTIONS = new Set(['run', 'copy', 'add']);
function parseDockerfile(text) {
    const lines = physicalLines(text);
    const directives = new Map();
    let index = 0;
    // Directives come first; the first line that is not one ends them.
    while (index < lines.length) {
        const directive = DIRECTIVE.exec(lines[index]?.content ?? '');
        if (directive === null)
            break;
        const key = (directive[1] ?? '').toLowerCase();
        if (directives.has(key))
            break;
        directives.set(key, directive[2] ?? '');
        index++;
    }
    const escape = directives.get('escape') === '`' ? '`' : '\\';
    const instructions = [];
    while (index < lines.length) {
        const first = lines[index];
        index++;
        if (first === undefined || BLANK.test(first.content) || COMMENT.test(first.content))
            continue;
        let chars = '';
        const offsets = [];
        let line = first;
        for (;;) {
            const content = line.content;
            const continued = new RegExp(`\\${escape}[ \\t]*$`).exec(content);
            const kept = continued === null ? content : content.slice(0, continued.index);
            // Leading blanks of a continued line are kept, as BuildKit keeps them.
            chars += kept;
            for (let at = 0; at < kept.length; at++)
                offsets.push(line.start + at);
            if (continued === null)
                break;
            // Comments and blank lines inside an instruction are dropped.
            line = undefined;
            while (index < lines.length) {
                const next = lines[index];
                index++;
                if (next === undefined || BLANK.test(next.content) || COMMENT.test(next.content))
                    continue;
                line = next;
                break;
            }
            if (line === undefined)
                break;
        }
        const words = splitWords(chars, offsets, escape);
        const [keywordWord, ...rest] = words;
        if (keywordWord === undefined)
            continue;
        const keyword = keywordWord.text.toLowerCase();
        const heredocs = [];
        if (HEREDOC_INSTRUCTIONS.has(keyword)) {
            for (const word of rest) {
                const start = heredocStart(word.text);
                if (start === undefined)
                    continue;
                const bodyStart = lines[index]?.start ?? text.length;
                let bodyEnd = text.length;
                while (index < lines.length) {
                    const bodyLine = lines[index];
                    index++;
                    if (bodyLine === undefined)
                        break;
                    const compared = start.stripTabs ? bodyLine.content.replace(/^\t+/, '') : bodyLine.content;
                    if (compared === start.delimiter) {
                        bodyEnd = bodyLine.start;
                        break;
                    }
                }
                heredocs.push({ ...start, bodyStart, bodyEnd });
            }
        }
        instructions.push({
            keyword,
            line: lineNumber(text, first.start),
            source: chars.trim(),
            words: rest,
            heredocs
        });
    }
    return { text, escape, directives, instructions };
}
function lineNumber(text, offset) {
    let count = 1;
    for (let at = text.indexOf('\n'); at !== -1 && at < offset; at = text.indexOf('\n', at + 1)) {
        count++;
    }
    return count;
}
/** The flags at the start of an instruction (`--platform=x`, `--from=y`). */
function leadingFlags(instruction) {
    const flags = [];
    for (const word of instruction.words) {
        if (!word.text.startsWith('--'))
            break;
        flags.push(word);
    }
    return flags;
}
/** `--name=value` split, or undefined for another flag. */
function flagValue(word, name) {
    const prefix = `--${name}=`;
    if (!word.text.toLowerCase().startsWith(prefix))
        return undefined;
    return sliceWord(word, prefix.length);
}
function sliceWord(word, from, to = word.text.length) {
    return { text: word.text.slice(from, to), offsets: word.offsets.slice(from, to) };
}
/** The original text's range a word covers (continuations inside it included). */
function wordRange(word) {
    const start = word.offsets[0] ?? 0;
    return { start, end: (word.offsets.at(-1) ?? start - 1) + 1 };
}
/** `text` with each edit's range replaced; edits must not overlap. */
function applyEdits(text, edits) {
    // From the end backwards; at one offset, a replacement before an insertion in front of it.
    const sorted = [...edits].sort((a, b) => b.start - a.start || b.end - a.end);
    let result = text;
    let limit = text.length;
    for (const edit of sorted) {
        if (edit.end > limit)
            throw new Error('overlapping Dockerfile edits');
        result = result.slice(0, edit.start) + edit.text + result.slice(edit.end);
        limit = edit.start;
    }
    return result;
}

;// CONCATENATED MODULE: ./src/engines/buildah/pins.ts


/** The build args BuildKit sets by itself; buildah warns about the ones a Dockerfile never declares. */
const AUTOMATIC_PLATFORM_ARGS = [
    'TARGETPLATFORM',
    'TARGETOS',
    'TARGETARCH',
    'TARGETVARIANT',
    'BUILDPLATFORM',
    'BUILDOS',
    'BUILDARCH',
    'BUILDVARIANT'
];
function platformArgs(prefix, platform) {
    return [
        { key: `${prefix}PLATFORM`, value: (0,src_platform/* formatPlatform */.Bq)(platform) },
        { key: `${prefix}OS`, value: platform.os },
        { key: `${prefix}ARCH`, value: platform.architecture },
        { key: `${prefix}VARIANT`, value: platform.variant ?? '' }
    ];
}
/**
 * `BUILDPLATFORM` and friends for the build host, except those the user set in `build-args`.
 * buildah 1.28 resolves `$BUILDPLATFORM` in a FROM flag to the target platform unless it is
 * given; naming the host costs nothing on the releases that get it right.
 */
function buildPlatformArgs(host, given) {
    return platformArgs('BUILD', host).filter(({ key, value }) => value !== '' && !given.some(arg => arg.key === key));
}
/**
 * `$NAME`, `${NAME}`, `${NAME:-word}` and `${NAME-word}` against `values`; undefined for any
 * other form, so that a reference the action cannot read the way buildah does is left alone.
 * `strict`: a name `values` does not hold is unreadable too (instead of empty).
 */
function expandArgs(text, values, strict = false) {
    const unreadable = { found: false };
    const expanded = text.replace(/\$(?:\{([A-Za-z_][A-Za-z0-9_]*)((?::?-)[^}]*)?\}|([A-Za-z_][A-Za-z0-9_]*)|(\{[^}]*\}?))/g, (_match, braced, fallback, bare, other) => {
        const name = braced ?? bare ?? '';
        if (other !== undefined || (strict && !values.has(name))) {
            unreadable.found = true;
            return '';
        }
        const value = values.get(name);
        if (fallback === undefined)
            return value ?? '';
        const word = fallback.replace(/^:?-/, '');
        if (fallback.startsWith(':'))
            return value === undefined || value === '' ? word : value;
        return value ?? word;
    });
    return unreadable.found || /[$"'\\`]/.test(expanded) ? undefined : expanded;
}
/** ARG's `NAME=value` and `NAME` words. */
function argDeclarations(instruction) {
    return instruction.words.map(word => {
        const equals = word.text.indexOf('=');
        if (equals === -1)
            return { name: word.text, value: undefined };
        return { name: word.text.slice(0, equals), value: unquote(word.text.slice(equals + 1)) };
    });
}
function unquote(value) {
    const quoted = /^"(.*)"$/.exec(value) ?? /^'(.*)'$/.exec(value);
    return quoted?.[1] ?? value;
}
function given(options, name) {
    return options.buildArgs.find(arg => arg.key === name)?.value;
}
/** Every reference to pin for one target platform, in file order. */
function planPins(dockerfile, options) {
    const automatic = new Map([...platformArgs('TARGET', options.target), ...platformArgs('BUILD', options.host)].map(({ key, value }) => [key, value]));
    const global = new Map();
    const images = [];
    const stagePins = [];
    const unresolved = [];
    const stages = [];
    const laterNames = new Set(dockerfile.instructions
        .filter(instruction => instruction.keyword === 'from')
        .map(instruction => stageNameOf(instruction)?.toLowerCase())
        .filter(name => name !== undefined));
    let platformFlags = false;
    let finalBase;
    let current;
    let scope = new Map();
    let targetReached = false;
    const refuse = (instruction, why) => {
        unresolved.push(`line ${instruction.line}: \`${instruction.source}\` (${why})`);
    };
    /** A stage this reference names, or undefined for an image; null: it cannot be told. */
    const stageReference = (name) => {
        if (/^\d+$/.test(name))
            return stages[Number(name)] ?? null;
        const found = stages.find(stage => stage.name?.toLowerCase() === name.toLowerCase());
        if (found !== undefined)
            return found;
        return laterNames.has(name.toLowerCase()) ? null : undefined;
    };
    const pinImageUse = (instruction, kind, word) => {
        const name = expandArgs(word.text, scope, true);
        if (name === undefined || name === '') {
            refuse(instruction, 'an image name the action cannot expand as buildah would');
            return;
        }
        const stage = stageReference(name);
        if (stage === null)
            refuse(instruction, `\`${name}\` names no earlier stage`);
        if (stage !== undefined)
            return;
        if (current?.platform === null || current === undefined) {
            refuse(instruction, "the stage's platform is not known");
            return;
        }
        images.push({ kind, image: name, platform: current.platform, line: instruction.line, word });
    };
    for (const instruction of dockerfile.instructions) {
        const { keyword } = instruction;
        if (keyword === 'from') {
            if (targetReached)
                break;
            const info = planFrom(instruction);
            stages.push(info);
            current = info;
            scope = new Map();
            if (options.targetStage !== '' &&
                info.name?.toLowerCase() === options.targetStage.toLowerCase()) {
                targetReached = true;
            }
            continue;
        }
        if (keyword === 'arg') {
            for (const { name, value } of argDeclarations(instruction)) {
                if (current === undefined) {
                    // A build arg reaches FROM only through a global ARG, as with BuildKit.
                    global.set(name, given(options, name) ??
                        (value === undefined ? undefined : (expandArgs(value, global) ?? value)));
                    continue;
                }
                const inherited = global.has(name) ? global.get(name) : automatic.get(name);
                const expanded = value === undefined ? inherited : expandArgs(value, scope, true);
                scope.set(name, given(options, name) ?? expanded);
            }
            continue;
        }
        if (current === undefined)
            continue;
        if (keyword === 'copy') {
            for (const flag of leadingFlags(instruction)) {
                const from = flagValue(flag, 'from');
                if (from !== undefined)
                    pinImageUse(instruction, 'copy', from);
            }
        }
        if (keyword === 'run') {
            for (const flag of leadingFlags(instruction)) {
                const mount = flagValue(flag, 'mount');
                if (mount === undefined)
                    continue;
                if (/["']/.test(mount.text) && /from=/i.test(mount.text)) {
                    refuse(instruction, 'a quoted mount option');
                    continue;
                }
                let at = 0;
                for (const field of mount.text.split(',')) {
                    if (/^from=/i.test(field)) {
                        pinImageUse(instruction, 'mount', sliceWord(mount, at + 'from='.length, at + field.length));
                    }
                    at += field.length + 1;
                }
            }
        }
    }
    return { images, stages: stagePins, unresolved, platformFlags, finalBase };
    function planFrom(instruction) {
        const flags = leadingFlags(instruction);
        const rest = instruction.words.slice(flags.length);
        const baseWord = rest[0];
        const name = rest[1]?.text.toLowerCase() === 'as' ? rest[2]?.text : undefined;
        const platformFlag = flags.find(flag => flagValue(flag, 'platform') !== undefined);
        if (platformFlag !== undefined)
            platformFlags = true;
        const values = new Map(global);
        // The automatic args reach FROM without a declaration, unless `build-args` names them.
        for (const [key, value] of automatic)
            if (given(options, key) === undefined)
                values.set(key, value);
        const image = baseWord === undefined ? undefined : expandArgs(baseWord.text, values);
        let platform = options.target;
        const platformWord = platformFlag === undefined ? undefined : flagValue(platformFlag, 'platform');
        if (platformWord !== undefined) {
            const text = expandArgs(platformWord.text, values);
            try {
                platform = text === undefined ? undefined : (0,src_platform/* parsePlatform */.FL)(text);
            }
            catch {
                platform = undefined;
            }
        }
        finalBase = undefined;
        if (image === undefined || image === '' || baseWord === undefined) {
            refuse(instruction, 'a base the action cannot expand as buildah would');
            return { name, platform: null };
        }
        if (platform === undefined) {
            refuse(instruction, 'a platform the action cannot read');
            return { name, platform: null };
        }
        if (flags.length > (platformFlag === undefined ? 0 : 1)) {
            refuse(instruction, 'a FROM flag the action does not know');
            return { name, platform: null };
        }
        if (image.toLowerCase() === 'scratch')
            return { name, platform };
        const earlier = stageReference(image);
        if (earlier === null) {
            refuse(instruction, `\`${image}\` names no earlier stage`);
            return { name, platform: null };
        }
        if (earlier !== undefined) {
            // A stage's own image keeps the platform it was built for, as with BuildKit.
            const stagePlatform = platformFlag === undefined ? earlier.platform : platform;
            if (stagePlatform === null) {
                refuse(instruction, "the earlier stage's platform is not known");
                return { name, platform: null };
            }
            stagePins.push({
                line: instruction.line,
                platform: stagePlatform,
                word: baseWord,
                platformFlag
            });
            return { name, platform: stagePlatform };
        }
        images.push({
            kind: 'from',
            image,
            platform,
            line: instruction.line,
            word: baseWord,
            platformFlag
        });
        finalBase = image;
        return { name, platform };
    }
}
function stageNameOf(instruction) {
    const rest = instruction.words.slice(leadingFlags(instruction).length);
    return rest[1]?.text.toLowerCase() === 'as' ? rest[2]?.text : undefined;
}
/** The key under which a reference's pulled image is kept: one image per name and platform. */
function pinKey(image, platform) {
    return `${image} ${(0,src_platform/* formatPlatform */.Bq)(platform)}`;
}
/**
 * The edits that name each planned reference by the id `ids` holds for it (and each FROM's
 * platform); undefined when an id is missing.
 */
function pinEdits(plan, ids) {
    const edits = [];
    const platformEdit = (platformFlag, base, platform) => {
        const text = `--platform=${(0,src_platform/* formatPlatform */.Bq)(platform)}`;
        if (platformFlag !== undefined)
            return { ...wordRange(platformFlag), text };
        const { start } = wordRange(base);
        return { start, end: start, text: `${text} ` };
    };
    for (const pin of plan.images) {
        const id = ids.get(pinKey(pin.image, pin.platform));
        if (id === undefined)
            return undefined;
        if (pin.kind === 'from')
            edits.push(platformEdit(pin.platformFlag, pin.word, pin.platform));
        edits.push({ ...wordRange(pin.word), text: id });
    }
    for (const stage of plan.stages) {
        edits.push(platformEdit(stage.platformFlag, stage.word, stage.platform));
    }
    return edits;
}
/** Which images to pull: each name and platform once, in file order. */
function imagesToPull(plans) {
    const seen = new Set();
    const wanted = [];
    for (const plan of plans) {
        for (const pin of plan.images) {
            const key = pinKey(pin.image, pin.platform);
            if (seen.has(key))
                continue;
            seen.add(key);
            wanted.push({ image: pin.image, platform: pin.platform });
        }
    }
    return wanted;
}

;// CONCATENATED MODULE: ./src/engines/buildah/bases.ts
/**
 * The images a pinned build names, pulled for their platforms: each name's index read once,
 * then every platform's image pulled by digest, side by side. A digest names one image, so
 * pulls beside each other cannot move it (a name can: see pins.ts).
 */






/** The digest of `platform`'s image in an index; undefined when it has none. */
function chooseInstance(manifests, platform) {
    const wanted = (0,src_platform/* formatPlatform */.Bq)(platform);
    return manifests.find(entry => (0,src_platform/* descriptorPlatformName */.gh)(entry.platform) === wanted)?.digest;
}
/** `name@digest` for the repository of `image` (its tag, or digest, dropped). */
function digestReference(image, digest) {
    const at = image.indexOf('@');
    let repository = at === -1 ? image : image.slice(0, at);
    const slash = repository.lastIndexOf('/');
    const colon = repository.lastIndexOf(':');
    if (colon > slash)
        repository = repository.slice(0, colon);
    return `${repository}@${digest}`;
}
/** The entries of `text` when it is an image index (or list), else undefined. */
function indexEntries(text) {
    try {
        const parsed = JSON.parse(text);
        if (!Array.isArray(parsed.manifests))
            return undefined;
        return parsed.manifests.filter(entry => typeof entry.digest === 'string');
    }
    catch {
        return undefined;
    }
}
/** Every wanted image and platform, pulled; keyed by pinKey(). */
async function pullImages(wanted, options) {
    const names = [...new Set(wanted.map(entry => entry.image))];
    const indexes = new Map();
    // What the store holds, by digest, read beside the registry's indexes: one command for
    // every reference, where asking for each would start a buildah per platform.
    const stored = options.pull ? Promise.resolve(undefined) : storedDigests();
    await (0,bounded/* mapBounded */.yJ)(names, options.limit, async (name) => {
        indexes.set(name, await readIndex(name, options.authFile));
    });
    const inStore = await stored;
    // An image that is no index is pulled by name: one platform after another for that name.
    const byName = new Map(names.map(name => [name, (0,bounded/* limiter */.TA)(1)]));
    const pulled = new Map();
    await (0,bounded/* mapBounded */.yJ)(wanted, options.limit, async ({ image, platform }) => {
        const index = indexes.get(image);
        let reference = image;
        let digest;
        if (index !== undefined) {
            digest = chooseInstance(index, platform);
            if (digest === undefined) {
                const offered = index
                    .map(entry => (0,src_platform/* descriptorPlatformName */.gh)(entry.platform))
                    .filter(name => name !== undefined && !name.startsWith('unknown'));
                throw new errors/* ActionError */.lZ(`image ${image} has no ${(0,src_platform/* formatPlatform */.Bq)(platform)} image (it has ${offered.join(', ') || 'none'})`, `Remove ${(0,src_platform/* formatPlatform */.Bq)(platform)} from \`platforms\`, or use a base built for it`);
            }
            reference = digestReference(image, digest);
        }
        const pullOne = async () => {
            // buildah's `missing` policy would still read the manifest from the registry when an
            // image's name has moved to another platform's image; the digest finds it locally.
            // The listing shows one digest per image; one stored under another of its digests is
            // still found by asking for it by name.
            const present = options.pull || digest === undefined
                ? undefined
                : (inStore?.get(digest) ?? (await storedImage(reference)));
            return present === undefined
                ? pullImage(reference, image, platform, options)
                : { id: present, fetched: false };
        };
        const { id, fetched } = index === undefined
            ? await (byName.get(image) ?? (0,bounded/* limiter */.TA)(1))(pullOne)
            : await pullOne().catch(async () => 
            // A short name can resolve elsewhere by digest than by name: fall back to the name.
            (byName.get(image) ?? (0,bounded/* limiter */.TA)(1))(() => pullImage(image, image, platform, options)));
        pulled.set(pinKey(image, platform), { id, reference, fetched });
    });
    return pulled;
}
/** The index `image` names, read once per run; undefined for a single image or a failure. */
async function readIndex(image, authFile) {
    const result = await (0,exec/* exec */.m0)('buildah', buildahManifestInspectArgs(image), {
        silent: true,
        allowFailure: true,
        // `manifest inspect` of buildah 1.28 takes no --authfile; the variable reaches it.
        ...(authFile === undefined ? {} : { env: { REGISTRY_AUTH_FILE: authFile } })
    }).catch(() => undefined);
    if (result === undefined || result.exitCode !== 0)
        return undefined;
    return indexEntries(result.stdout);
}
/**
 * Each image's id in the store by its digest (the one `buildah images` shows); undefined
 * when the listing fails.
 */
async function storedDigests() {
    const result = await (0,exec/* exec */.m0)('buildah', buildahImageDigestsArgs(), {
        silent: true,
        allowFailure: true
    }).catch(() => undefined);
    return result?.exitCode === 0 ? parseImageDigests(result.stdout) : undefined;
}
/** `buildah images --format '{{.ID}} {{.Digest}}'` lines as digest -> bare id. Pure. */
function parseImageDigests(text) {
    const found = new Map();
    for (const line of text.split('\n')) {
        const [id = '', digest = ''] = line.trim().split(/\s+/);
        const bare = id.replace(/^sha256:/, '');
        if (/^[0-9a-f]{64}$/.test(bare) && /^sha256:[0-9a-f]{64}$/.test(digest))
            found.set(digest, bare);
    }
    return found;
}
/** The id of the image `reference` names in the store, without asking any registry. */
async function storedImage(reference) {
    const result = await (0,exec/* exec */.m0)('buildah', ['inspect', '--type', 'image', '--format', '{{.FromImageID}}', reference], { silent: true, allowFailure: true }).catch(() => undefined);
    const id = result?.exitCode === 0 ? result.stdout.trim() : '';
    return /^[0-9a-f]{64}$/.test(id) ? id : undefined;
}
async function pullImage(reference, image, platform, options) {
    try {
        const result = await (0,exec/* exec */.m0)('buildah', buildahPullArgs(reference, platform, options.pull, options.authFile), { silent: true });
        const id = result.stdout.trim().split('\n').at(-1) ?? '';
        if (!/^[0-9a-f]{64}$/.test(id))
            throw new Error(`buildah pull printed no image id`);
        return { id, fetched: /Trying to pull|Copying config/.test(result.stderr) };
    }
    catch (error) {
        const detail = error instanceof exec/* ExecError */.cI ? error.result.stderr.trim() : (0,errors/* errorMessage */.gJ)(error);
        throw new errors/* ActionError */.lZ(`image ${image} for ${(0,src_platform/* formatPlatform */.Bq)(platform)} could not be pulled: ${detail}`, `Check that ${image} exists with a ${(0,src_platform/* formatPlatform */.Bq)(platform)} image and that the runner may pull it`);
    }
}

;// CONCATENATED MODULE: ./src/engines/buildah/login.ts
/** `buildah login` into a private auth file, the password on stdin. */




/** What to do about a failed `buildah login`, from what it said: not every failure is the password. */
function loginFix(registry, detail) {
    if (/x509|certificate/i.test(detail)) {
        return `The runner does not trust ${registry}'s certificate: put its CA in /etc/containers/certs.d/${registry}/ca.crt`;
    }
    if (/no such host|connection refused|i\/o timeout|network is unreachable/i.test(detail)) {
        return `Check that ${registry} is reachable from the runner`;
    }
    return 'Check `username` and `password`';
}
/** Log in with the given credentials into a private auth file; undefined when there are none. */
async function login(request) {
    if (request.logins.length === 0)
        return undefined;
    const authFile = external_node_path_default().join(request.tempDir, 'auth.json');
    await (0,promises_.writeFile)(authFile, '{}', { mode: 0o600 });
    for (const { registry, credentials } of request.logins) {
        try {
            await (0,exec/* exec */.m0)('buildah', [
                'login',
                '--authfile',
                authFile,
                '--username',
                credentials.username,
                '--password-stdin',
                registry
            ], { input: Buffer.from(credentials.password), silent: true });
        }
        catch (error) {
            const detail = error instanceof exec/* ExecError */.cI ? error.result.stderr.trim() : (0,errors/* errorMessage */.gJ)(error);
            throw new errors/* ActionError */.lZ(`login to ${registry} failed: ${detail}`, loginFix(registry, detail));
        }
    }
    return authFile;
}

;// CONCATENATED MODULE: ./src/engines/buildah/manifest.ts
/** The manifest list that names the platforms' images, their OCI export and the list's removal. */


/**
 * The list `manifestList` over the platforms' images, in the order given (each entry's
 * platform is its image's); its id.
 */
async function createList(manifestList, imageIds) {
    const result = await (0,exec/* exec */.m0)('buildah', buildahCreateListArgs(manifestList, imageIds), {
        silent: true
    });
    return result.stdout.trim().split('\n').at(-1) ?? '';
}
/** Write one image to an OCI layout folder of its own (joinLayouts() gathers them). */
async function exportImage(imageId, layoutDir) {
    await (0,exec/* exec */.m0)('buildah', buildahExportArgs(imageId, layoutDir), { silent: true });
}
async function removeList(manifestList) {
    const removed = await (0,exec/* exec */.m0)('buildah', ['manifest', 'rm', manifestList], {
        silent: true,
        allowFailure: true
    });
    // A build killed mid-way can leave a list that `manifest rm` cannot read, and a list
    // like that breaks every later `buildah images` on the runner: remove it by force.
    if (removed.exitCode !== 0) {
        await (0,exec/* exec */.m0)('buildah', ['rmi', '--force', manifestList], { silent: true, allowFailure: true });
    }
}

// EXTERNAL MODULE: ./src/untrusted.ts
var untrusted = __webpack_require__(873);
;// CONCATENATED MODULE: ./src/engines/buildah/log.ts
/** What buildah prints, made readable: pure line functions, applied before the fence. */

/** How many steps buildah took from its layer cache, from its build log. */
function countCacheHits(log) {
    return log.split('\n').filter(line => /^--> Using cache [0-9a-f]+/.test(line.trim())).length;
}
/** A `FROM <image id>` (or `--from=<image id>`) of the log, with the image's name put back. */
function namedFromLine(line, names) {
    return line.replace(/\b(FROM (?:--platform=\S+ )?|--from=|from=)([0-9a-f]{64})\b/g, (whole, lead, id) => {
        const name = names.get(id);
        return name === undefined ? whole : `${lead}${name} (image ${id.slice(0, 12)})`;
    });
}
/**
 * buildah's "build args were not consumed" warning without the automatic platform args it
 * lists for every Dockerfile that does not declare them; undefined when nothing else is left.
 */
function withoutAutomaticArgWarning(line) {
    const warning = /^(.*one or more build args were not consumed: )\[([^\]]*)\]\s*$/.exec(line);
    if (warning === null)
        return line;
    const left = (warning[2] ?? '')
        .split(/\s+/)
        .filter(name => name !== '' && !AUTOMATIC_PLATFORM_ARGS.includes(name));
    return left.length === 0 ? undefined : `${warning[1] ?? ''}[${left.join(' ')}]`;
}

;// CONCATENATED MODULE: ./src/engines/buildah/schedule.ts
/**
 * Every platform's `buildah build`, `limit` at a time; the first failure stops the rest.
 * Side by side, each platform's log is kept and written as one group when it ends, so that
 * platforms finishing together do not interleave; one at a time, it streams live.
 */








/** How often a build with platforms side by side says which are still running. */
const HEARTBEAT_MS = 60_000;
async function buildAll(request, jobs, limit, secretFiles, authFile, group, 
/** Called as each platform's image is ready, before the other builds end. */
onBuilt = () => undefined) {
    const side = limit > 1;
    const images = new Map();
    const running = new Map();
    if (side) {
        core/* info */.pq(`building ${jobs.length} platforms, ${limit} at a time (max-parallelism): each log follows as its platform finishes`);
    }
    const heartbeat = side
        ? setInterval(() => {
            const now = performance.now();
            const names = [...running].map(([name, started]) => `${name} (${Math.round((now - started) / 1000)} s)`);
            if (names.length > 0)
                core/* info */.pq(`still building: ${names.join(', ')}`);
        }, HEARTBEAT_MS)
        : undefined;
    heartbeat?.unref();
    try {
        const outcomes = await (0,bounded/* settleBounded */.ZL)(jobs, limit, async (job, signal) => {
            const label = `${job.platform.name}${job.platform.emulated ? ' (emulated)' : ''}`;
            const started = performance.now();
            running.set(label, started);
            const log = [];
            const live = (0,untrusted/* untrustedLines */.m)();
            const write = (line) => {
                if (side)
                    log.push(line);
                else
                    live(line);
            };
            const args = buildahBuildArgs(request, job.platform, secretFiles, authFile, job.files);
            const run = async () => {
                for (const line of job.said)
                    write(line);
                const onLine = (line) => {
                    const filtered = withoutAutomaticArgWarning(line);
                    if (filtered !== undefined)
                        write(namedFromLine(filtered, job.baseNames));
                };
                return (0,exec/* execStreaming */.cp)('buildah', args, { onLine, signal });
            };
            let result;
            try {
                if (side)
                    core/* info */.pq(`started ${label}`);
                result = side ? await run() : await group(`Build ${label}`, run);
            }
            finally {
                running.delete(label);
                const seconds = (performance.now() - started) / 1000;
                if (side) {
                    const how = result?.exitCode === 0
                        ? `${seconds.toFixed(1)} s`
                        : signal.aborted
                            ? 'stopped'
                            : 'failed';
                    await group(`Build ${label}: ${how}`, async () => {
                        if (log.length > 0)
                            (0,untrusted/* untrusted */.b)(`${log.join('\n')}\n`);
                        return Promise.resolve();
                    });
                }
            }
            if (result.exitCode !== 0) {
                if (signal.aborted)
                    throw new Error('stopped');
                throw new Error(`build of ${job.platform.name} failed${job.platform.emulated ? ' (under QEMU)' : ''}: ${new exec/* ExecError */.cI((0,exec/* commandLine */.ay)('buildah', args), result).message}`);
            }
            // The bare id: `sha256:<id>` reads as a name to some commands, which then ask Docker Hub.
            const id = (await (0,promises_.readFile)(job.files.iidFile, 'utf8')).trim().replace(/^sha256:/, '');
            images.set(job.platform.name, id);
            onBuilt(job.platform.name, id);
            await (0,promises_.rm)(job.files.iidFile, { force: true });
            return {
                platform: job.platform.name,
                seconds: (performance.now() - started) / 1000,
                cacheHits: countCacheHits(`${result.stdout}\n${result.stderr}`)
            };
        });
        const failed = outcomes.find(outcome => outcome.status === 'failed');
        if (failed !== undefined) {
            const names = (status) => jobs
                .filter((_job, index) => outcomes[index]?.status === status)
                .map(job => job.platform.name);
            const stopped = names('stopped');
            const waiting = names('not-started');
            throw new errors/* ActionError */.lZ([
                (0,errors/* errorMessage */.gJ)(failed.error),
                ...(stopped.length > 0 ? [`Stopped the builds of ${stopped.join(', ')}`] : []),
                ...(waiting.length > 0 ? [`Never started ${waiting.join(', ')}`] : [])
            ].join('. '), 'Nothing was pushed');
        }
        return {
            builds: outcomes.flatMap(outcome => (outcome.status === 'done' ? [outcome.value] : [])),
            images
        };
    }
    finally {
        if (heartbeat !== undefined)
            clearInterval(heartbeat);
    }
}

;// CONCATENATED MODULE: ./src/engines/buildah/smoke.ts
/** The smoke test: a command in a container of each platform's image, under QEMU where foreign. */


async function smokeTest(platforms, images, command) {
    const results = [];
    for (const platform of platforms) {
        const image = images.get(platform.name);
        if (image === undefined)
            throw new errors/* ActionError */.lZ(`${platform.name} has no image to smoke-test`);
        results.push(await smokeTestOne(platform, image, command));
    }
    return results;
}
async function smokeTestOne(platform, image, command) {
    const started = performance.now();
    const container = (await (0,exec/* exec */.m0)('buildah', ['from', '--pull=never', '--platform', platform.name, image], {
        silent: true
    })).stdout.trim();
    try {
        const result = await (0,exec/* exec */.m0)('buildah', ['run', container, '--', 'sh', '-c', command], {
            silent: true,
            allowFailure: true
        });
        return {
            platform: platform.name,
            exitCode: result.exitCode,
            output: `${result.stdout}${result.stderr}`.trim(),
            seconds: (performance.now() - started) / 1000
        };
    }
    finally {
        await (0,exec/* exec */.m0)('buildah', ['rm', container], { silent: true, allowFailure: true });
    }
}

;// CONCATENATED MODULE: ./src/engines/buildah/version.ts
/**
 * What the installed buildah gets right by itself, from the version it reports. Both faults
 * that need the pins (pins.ts) are fixed in 1.40.0:
 * - a stage's platform carried over to the next stages of one build: fixed by "stage_executor:
 *   reset platform in systemcontext for stages" (commit 022ff233f, PR containers/buildah#5971,
 *   issue #5968);
 * - libimage (containers/common) looked a pulled image up again by name after the pull, so a
 *   pull of the same name for another platform beside it could hand a build the wrong image
 *   or none: containers/common dbeb17e40c80 returns the images the copy stored instead,
 *   vendored by buildah commit 2029431a2.
 * Measured on this project's lab: four `buildah build --pull=missing --platform P` processes
 * side by side with `COPY --from=<image>`, empty store each round, built right 5 of 5 rounds
 * with 1.41.7 (and so did 1.28.2 and 1.33.7 there; the race is rare, the pins make it
 * impossible). The 1.41.0 fix that checks a cached layer's platform ("stage_executor: check
 * platform of cache candidates", commit 350288967, PR #6269) concerns stages built FROM
 * scratch, whose cache keys are the same for every platform: ids cannot tell those apart, so
 * no pin helps there, and raw buildah shares that fault.
 */
const PINS_UNNEEDED_FROM = [1, 40, 0];
/** `1.28.2` as numbers; undefined for text that is no version. */
function parseBuildahVersion(text) {
    const match = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(text.trim());
    if (match === null)
        return undefined;
    return [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)];
}
/**
 * Whether the action pins image references: before 1.40 (or for a version it cannot read),
 * when platforms build side by side or a FROM names a platform.
 */
function needsPins(version, sideBySide, platformFlags) {
    if (!sideBySide && !platformFlags)
        return false;
    const parsed = parseBuildahVersion(version);
    if (parsed === undefined)
        return true;
    for (let index = 0; index < 3; index++) {
        const difference = (parsed[index] ?? 0) - (PINS_UNNEEDED_FROM[index] ?? 0);
        if (difference !== 0)
            return difference < 0;
    }
    return false;
}

;// CONCATENATED MODULE: ./src/engines/buildah/engine.ts
/** The buildah engine: one `buildah build` per platform, side by side, into one manifest list. */


















/** Pulls at once: they wait on the network more than on the store. */
const PULLS_AT_ONCE = 4;
const BASE_NAME_ANNOTATION = 'org.opencontainers.image.base.name';
/** `<Dockerfile>.dockerignore` (or `.containerignore`), which buildah reads beside the file. */
async function ignoreFileBeside(file) {
    for (const suffix of ['.dockerignore', '.containerignore']) {
        const candidate = `${file}${suffix}`;
        if (await (0,promises_.stat)(candidate).then(found => found.isFile(), () => false)) {
            return candidate;
        }
    }
    return undefined;
}
/**
 * The base name buildah records for a named base (`registry/repository:tag`), which a base
 * pinned by id loses once another platform's pull moved the name; undefined for names only
 * registries.conf can qualify, and for digests.
 */
function recordedBaseName(image) {
    const first = image.split('/')[0] ?? '';
    if (!image.includes('/') || !/[.:]|^localhost$/.test(first) || image.includes('@')) {
        return undefined;
    }
    try {
        const reference = (0,src_reference/* parseReference */.F2)(image);
        return `${reference.registry}/${reference.repository}:${reference.tag ?? 'latest'}`;
    }
    catch {
        return undefined;
    }
}
class BuildahEngine {
    version;
    group;
    name = 'buildah';
    manifestList;
    /** Each platform's image id, for the smoke test. */
    images = new Map();
    authFile;
    /** The list's creation, which dispose() lets end before it removes the list. */
    listing;
    /** The list's removal, once the build no longer needs it. */
    removing;
    constructor(version, group) {
        this.version = version;
        this.group = group;
    }
    /** The installed buildah's version, or undefined when there is none. */
    /**
     * buildah's version; undefined when it is not on PATH; a problem when it is there and will
     * not run (a storage.conf it cannot read, say), so the refusal says that and not "missing".
     */
    static async detect() {
        const result = await (0,exec/* exec */.m0)('buildah', ['--version'], { silent: true, allowFailure: true }).catch(() => undefined);
        if (result === undefined)
            return undefined;
        if (result.exitCode !== 0) {
            const said = result.stderr.trim().split('\n').at(-1) ?? '';
            return {
                problem: `\`buildah --version\` exited with code ${result.exitCode}${said === '' ? '' : `: ${said}`}`
            };
        }
        return /version (\S+)/.exec(result.stdout)?.[1] ?? 'unknown';
    }
    async prepare(request) {
        // Refuse cache settings buildah cannot honour before anything runs.
        buildahCacheRepository(request.cacheFrom, 'cache-from');
        buildahCacheRepository(request.cacheTo, 'cache-to');
        refuseIndexDescriptor(request);
        core/* info */.pq(`buildah ${this.version}: no builder to set up; each platform builds in this runner's image store`);
        this.authFile = await login(request);
        for (const { registry } of request.logins) {
            core/* info */.pq(`logged in to ${registry} (private auth file)`);
        }
    }
    async build(request) {
        const secretFiles = await writeSecretFiles(request.secrets, request.tempDir);
        // The action checks, pushes by digest, then moves tags: it gets the bytes as an OCI
        // layout. Each platform's image is written out as its build ends, beside the builds
        // still running, and the parts are joined into one layout once all are in.
        const exporting = request.push || request.keepForChecks;
        const exportRoot = external_node_path_default().join(request.tempDir, `layout-${(0,external_node_crypto_.randomBytes)(4).toString('hex')}`);
        const exports = new Map();
        const exportDir = (platform) => external_node_path_default().join(`${exportRoot}.parts`, platform.slug);
        // buildah makes the layout's folder, not its parent.
        if (exporting)
            await (0,promises_.mkdir)(`${exportRoot}.parts`);
        const manifestList = `localhost/multiarch-build-${(0,external_node_crypto_.randomBytes)(6).toString('hex')}`;
        let result;
        try {
            const { jobs, limit } = await this.planJobs(request);
            const built = await buildAll(request, jobs, limit, secretFiles, this.authFile, this.group, (name, id) => {
                const platform = request.platforms.find(entry => entry.name === name);
                if (!exporting || platform === undefined)
                    return;
                const dir = exportDir(platform);
                // The checks may read the part while the other platforms still build.
                const exported = exportImage(id, dir).then(() => request.onPlatformLayout?.(platform, dir));
                exported.catch(() => undefined);
                exports.set(name, exported);
            });
            // The list gives the outputs the builder's id of the result; it is made beside the
            // exports still writing.
            const ids = request.platforms.map(platform => built.images.get(platform.name) ?? '');
            // Removed by dispose() whatever happens from here on.
            this.manifestList = manifestList;
            this.listing = createList(manifestList, ids);
            this.listing.catch(() => undefined);
            await Promise.all(exports.values());
            result = built;
        }
        catch (error) {
            // No export may still be writing when the step cleans up.
            await Promise.allSettled(exports.values());
            throw error;
        }
        finally {
            await removeSecretFiles(secretFiles);
        }
        this.images = result.images;
        let layout;
        if (exporting) {
            layout = exportRoot;
            await (0,registry_layout/* joinLayouts */.Et)(request.platforms.map(platform => ({
                dir: exportDir(platform),
                platform: platform.platform
            })), layout);
            await (0,promises_.rm)(`${exportRoot}.parts`, { recursive: true, force: true });
            // buildah 1.28 writes no index annotations: the action adds them to the exported index.
            if (await (0,registry_layout/* annotateLayoutIndex */.Df)(layout, request.annotations)) {
                core/* info */.pq('wrote the index and index-entry annotations into the exported index');
            }
            core/* info */.pq(`exported each platform's image to an OCI layout as its build ended, for the checks${request.push ? ' and the push' : ''}`);
        }
        const imageId = await this.listing;
        // Nothing reads the list again: it goes while the checks and the push run.
        this.manifestList = undefined;
        this.removing = removeList(manifestList).catch(() => undefined);
        return {
            image: layout === undefined
                ? { kind: 'unavailable', reason: "it stays in buildah's image store" }
                : { kind: 'layout', dir: layout, temporary: true },
            imageId,
            builds: result.builds,
            metadata: { engine: 'buildah', version: this.version, manifestList, imageId }
        };
    }
    /**
     * Each platform's build, and how many run at once. buildah 1.40 and later get the
     * Dockerfile as written; older ones, side by side or with a FROM that names a platform, a
     * copy with every image reference pinned (pins.ts, version.ts), or, where a reference
     * cannot be pinned, one platform at a time.
     */
    async planJobs(request) {
        const extraBuildArgs = buildPlatformArgs(request.buildPlatform, request.buildArgs);
        const limit = Math.max(1, Math.min(request.maxParallelism, request.platforms.length));
        const plain = (platform) => ({
            platform,
            files: { extraBuildArgs, iidFile: external_node_path_default().join(request.tempDir, `iid-${platform.slug}`) },
            said: [],
            baseNames: new Map()
        });
        const text = await (0,promises_.readFile)(request.file, 'utf8');
        const dockerfile = parseDockerfile(text);
        const plans = request.platforms.map(platform => planPins(dockerfile, {
            target: platform.platform,
            host: request.buildPlatform,
            buildArgs: request.buildArgs,
            targetStage: request.target
        }));
        if (!needsPins(this.version, limit > 1, plans.some(plan => plan.platformFlags))) {
            core/* debug */.Yz(`buildah ${this.version}: the Dockerfile goes to buildah as written (no pins needed)`);
            return { jobs: request.platforms.map(plain), limit };
        }
        const unresolved = plans.flatMap(plan => plan.unresolved);
        if (unresolved.length > 0) {
            core/* info */.pq(`building one platform at a time: buildah ${this.version} looks images up by name, so platforms side by side could take each other's images, and the action cannot pin ${unresolved[0] ?? ''}`);
            return { jobs: request.platforms.map(plain), limit: 1 };
        }
        core/* debug */.Yz(`buildah ${this.version} looks images up by name: pinning every image reference per platform`);
        const pulled = await pullImages(imagesToPull(plans), {
            pull: request.pull,
            authFile: this.authFile,
            limit: PULLS_AT_ONCE
        });
        const ids = new Map([...pulled].map(([key, image]) => [key, image.id]));
        const ignoreFile = await ignoreFileBeside(request.file);
        const userNamesBase = request.annotations.some(({ key }) => key === BASE_NAME_ANNOTATION);
        const jobs = [];
        for (const [index, platform] of request.platforms.entries()) {
            const plan = plans[index];
            const edits = pinEdits(plan, ids);
            if (edits === undefined)
                throw new Error(`no pulled image for a reference of ${platform.name}`);
            const file = external_node_path_default().join(request.tempDir, `Dockerfile.${platform.slug}`);
            await (0,promises_.writeFile)(file, applyEdits(text, edits), { mode: 0o600 });
            const said = [];
            const baseNames = new Map();
            for (const pin of plan.images) {
                const image = pulled.get(pinKey(pin.image, pin.platform));
                if (image === undefined || baseNames.has(image.id))
                    continue;
                said.push(`${pin.kind === 'from' ? 'base' : 'image'} ${pin.image} for ${(0,src_platform/* formatPlatform */.Bq)(pin.platform)}: image ${image.id.slice(0, 12)} (${image.fetched ? 'pulled' : 'in the store'})`);
                baseNames.set(image.id, pin.image);
            }
            const baseName = plan.finalBase === undefined ? undefined : recordedBaseName(plan.finalBase);
            const extraAnnotations = baseName === undefined || userNamesBase
                ? []
                : [{ key: BASE_NAME_ANNOTATION, value: baseName }];
            jobs.push({
                platform,
                files: {
                    ...plain(platform).files,
                    file,
                    ...(ignoreFile === undefined ? {} : { ignoreFile }),
                    extraAnnotations,
                    basesPulled: true
                },
                said,
                baseNames
            });
        }
        return { jobs, limit };
    }
    smokeTest(platforms, command) {
        return smokeTest(platforms, this.images, command);
    }
    async dispose() {
        await this.listing?.catch(() => undefined);
        await this.removing;
        if (this.manifestList === undefined)
            return;
        const list = this.manifestList;
        this.manifestList = undefined;
        await removeList(list);
    }
}

// EXTERNAL MODULE: ./src/values.ts
var values = __webpack_require__(4777);
;// CONCATENATED MODULE: ./src/engines/buildx/cache.ts
/** Which cache a buildx build reads and writes: the inputs, or GitHub's cache per image and platform. */

/** buildx reads `--secret`, `--cache-*` and `--output` values as CSV: quote what needs it. */
function csvField(field) {
    return /[",\n]/.test(field) ? `"${field.replaceAll('"', '""')}"` : field;
}
/** A cache entry back in buildx's CSV form: `type=registry,ref=X,mode=max`. */
function formatCacheSpec(spec) {
    return [
        `type=${spec.type}`,
        ...Object.entries(spec.attributes).map(([key, value]) => `${key}=${value}`)
    ]
        .map(csvField)
        .join(',');
}
/** The GitHub cache service is reachable: buildx's `type=gha` reads these same variables. */
function githubCacheAvailable(env) {
    const url = (env.ACTIONS_CACHE_URL ?? '') !== '' || (env.ACTIONS_RESULTS_URL ?? '') !== '';
    return url && (env.ACTIONS_RUNTIME_TOKEN ?? '') !== '';
}
/** `owner-app` for `ghcr.io/owner/app:1`; `image` without tags. */
function cacheImageName(tags) {
    return tags[0]?.repository.replaceAll('/', '-') ?? 'image';
}
/**
 * The gha scope of one build. One platform (a matrix leg): `<image>-<slug>`, so legs never
 * overwrite each other. Several platforms in one build share one cache export, so they get
 * one scope named by a hash of the sorted slugs: the same set in any order hits the same cache.
 */
function cacheScope(tags, platforms) {
    const image = cacheImageName(tags);
    const [only, ...more] = platforms;
    if (only !== undefined && more.length === 0)
        return `${image}-${only.slug}`;
    const slugs = platforms.map(entry => entry.slug).sort();
    const hash = (0,external_node_crypto_.createHash)('sha256').update(slugs.join(',')).digest('hex').slice(0, 8);
    return `${image}-multi-${hash}`;
}
const SERVICE_URLS = ['ACTIONS_CACHE_URL', 'ACTIONS_RESULTS_URL'];
/** Why GitHub's cache cannot be used here; undefined when it can. */
function githubCacheMissing(env) {
    if (githubCacheAvailable(env))
        return undefined;
    const absent = [
        ...(SERVICE_URLS.every(name => (env[name] ?? '') === '') ? [SERVICE_URLS.join(' and ')] : []),
        ...((env.ACTIONS_RUNTIME_TOKEN ?? '') === '' ? ['ACTIONS_RUNTIME_TOKEN'] : [])
    ].join(', ');
    return env.GITHUB_ACTIONS === 'true'
        ? `the cache service's variables are absent (${absent})`
        : `not on GitHub Actions (the cache service's variables are absent: ${absent})`;
}
/** `--cache-from`/`--cache-to`: the inputs, or else per-image gha scopes when GitHub's cache is there. */
function cachePlan(request, driver, env) {
    if (request.cacheFrom.length > 0 || request.cacheTo.length > 0) {
        const from = request.cacheFrom.map(formatCacheSpec);
        const to = request.cacheTo.map(formatCacheSpec);
        return {
            args: [
                ...from.flatMap(spec => ['--cache-from', spec]),
                ...to.flatMap(spec => ['--cache-to', spec])
            ],
            chosenBy: 'inputs',
            from,
            to
        };
    }
    // The docker driver exports no cache but inline; a gha cache-to would fail the build.
    const missing = driver === 'docker'
        ? 'driver `docker` exports no cache but inline, so no GitHub cache was set'
        : githubCacheMissing(env);
    if (missing !== undefined) {
        return { args: [], chosenBy: 'none', from: [], to: [], reason: missing };
    }
    const scope = cacheScope(request.tags, request.platforms);
    const scopes = new Set([scope]);
    // A many-platform build also reads what single-platform matrix legs wrote.
    if (request.platforms.length > 1) {
        for (const entry of request.platforms)
            scopes.add(cacheScope(request.tags, [entry]));
    }
    const from = [...scopes].map(name => `type=gha,scope=${name}`);
    // A cache this action chose never fails the build: an export error is reported, not fatal.
    const to = [`type=gha,scope=${scope},mode=max,ignore-error=true`];
    return {
        args: [
            ...from.flatMap(spec => ['--cache-from', spec]),
            ...to.flatMap(spec => ['--cache-to', spec])
        ],
        chosenBy: 'action',
        from,
        to
    };
}
function cacheArgs(request, driver, env) {
    return [...cachePlan(request, driver, env).args];
}
/**
 * The one line a build's cache gets in the log and the summary: what was read and written
 * (or why nothing), the steps each platform took from cache, and what failed.
 */
function describeCache(plan, cacheHits, failures) {
    const hits = Object.entries(cacheHits)
        .map(([platform, count]) => `${platform} ${count}`)
        .join(', ');
    const where = plan.chosenBy === 'none'
        ? `cache: none (${plan.reason ?? 'none given'})`
        : `cache${plan.chosenBy === 'action' ? ' (GitHub cache, chosen by the action)' : ''}: read ${plan.from.join(' + ') || 'nothing'}; wrote ${plan.to.join(' + ') || 'nothing'}`;
    const failed = failures.map(failure => failure.direction === 'import'
        ? `import from ${failure.target} failed`
        : `export to ${failure.target} failed`);
    return [where, `steps from cache: ${hits || 'none'}`, ...failed].join('; ');
}

// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
// EXTERNAL MODULE: external "node:stream/promises"
var external_node_stream_promises_ = __webpack_require__(6466);
// EXTERNAL MODULE: ./node_modules/semver/index.js
var semver = __webpack_require__(2088);
var semver_default = /*#__PURE__*/__webpack_require__.n(semver);
;// CONCATENATED MODULE: ./src/engines/buildx/install.ts
/** Find, resolve, download, verify and install the docker buildx CLI plugin. */












const DOWNLOAD_BASE = 'https://github.com/docker/buildx/releases/download';
const TOOL_NAME = 'docker-buildx';
/** `docker buildx version` -> `0.17.1` (or `0.17.1-desktop.1`, `0.11.2+azure-1`); undefined when absent. */
function parseBuildxVersion(output) {
    return /github\.com\/docker\/buildx\s+v?(\d+\.\d+\.\d+[0-9A-Za-z.+~-]*)/.exec(output)?.[1];
}
/** The version as semver compares it; Docker Desktop's `-desktop.N` builds are releases. */
function comparableVersion(version) {
    return semver_default().valid(version.replace(/-desktop\.\d+$/, '')) ?? undefined;
}
/** Whether `version` is at least `minimum`; unknown spellings count as new (dev builds). */
function buildxAtLeast(version, minimum) {
    const comparable = comparableVersion(version);
    return comparable === undefined || semver_default().gte(comparable, minimum);
}
function checkedRange(range) {
    const valid = semver_default().validRange(range);
    if (valid === null) {
        throw new errors/* InputError */.dz(constants/* Input */.pd.BuildxVersion, `\`${range}\` is not a version or range`, values/* BUILDX_VERSION_FORMS */.E6);
    }
    return valid;
}
/** `0.17.1` for an exact version (`v0.17.1` too); undefined for ranges and `latest`. */
function exactVersion(range) {
    const version = semver_default().valid(range.trim());
    return version === null ? undefined : version;
}
/**
 * Whether the installed buildx falls short of the `buildx-version` input. Empty input: any
 * installed buildx will do. `latest`: only the release list knows, so resolve and compare.
 */
function needsInstall(installed, range) {
    const wanted = range.trim();
    if (installed === undefined)
        return true;
    if (wanted === '')
        return false;
    if (wanted === 'latest')
        return true;
    const version = comparableVersion(installed);
    return (version === undefined ||
        !semver_default().satisfies(version, checkedRange(wanted), { includePrerelease: true }));
}
/** The highest non-prerelease in `tags` (`v0.17.1`, ...) that satisfies the input. */
function resolveVersion(range, tags) {
    const wanted = range.trim();
    const spec = wanted === '' || wanted === 'latest' ? '*' : checkedRange(wanted);
    const releases = tags
        .map(tag => semver_default().valid(tag.trim()))
        .filter((version) => version !== null && semver_default().prerelease(version) === null);
    const chosen = semver_default().maxSatisfying(releases, spec);
    if (chosen !== null)
        return chosen;
    const newest = semver_default().maxSatisfying(releases, '*');
    throw new errors/* InputError */.dz(constants/* Input */.pd.BuildxVersion, `no buildx release satisfies \`${wanted}\`${newest === null ? '' : `; newest is v${newest}`}`, values/* BUILDX_VERSION_FORMS */.E6);
}
/** buildx release asset suffixes, by Node's `process.arch`. */
const ASSET_ARCH = {
    x64: 'amd64',
    arm64: 'arm64',
    arm: 'arm-v7',
    s390x: 's390x',
    ppc64: 'ppc64le',
    riscv64: 'riscv64'
};
/** Where the plugin binary of one release and its checksums live. */
function releaseAsset(version, platform) {
    const arch = ASSET_ARCH[platform.arch];
    if (arch === undefined) {
        throw new errors/* ActionError */.lZ(`buildx publishes no binary for this runner's architecture (${platform.arch})`, `Install docker-buildx yourself before this step; downloads exist for ${Object.keys(ASSET_ARCH).join(', ')}`);
    }
    const tag = `v${version.replace(/^v/, '')}`;
    const name = `buildx-${tag}.${platform.os}-${arch}`;
    return {
        name,
        url: `${DOWNLOAD_BASE}/${tag}/${name}`,
        checksumsUrl: `${DOWNLOAD_BASE}/${tag}/checksums.txt`
    };
}
/** Check a download against the release's `checksums.txt` (`<sha256>  *<name>` lines). */
function verifyChecksum(checksumsText, assetName, sha256hex) {
    const line = checksumsText
        .split('\n')
        .map(text => /^([0-9a-fA-F]{64})\s+\*?(\S+)\s*$/.exec(text.trim()))
        .find(match => match?.[2] === assetName);
    const expected = line?.[1]?.toLowerCase();
    if (expected === undefined) {
        throw new errors/* ActionError */.lZ(`checksums.txt of this buildx release has no line for ${assetName}`, 'Nothing was installed; pin a `buildx-version` that publishes this binary');
    }
    if (expected !== sha256hex.toLowerCase()) {
        throw new errors/* ActionError */.lZ(`${assetName} has sha256 ${sha256hex.toLowerCase()}, but checksums.txt says ${expected}`, 'The download is corrupt or altered, and nothing was installed; retry the job');
    }
}
/** `$DOCKER_CONFIG/cli-plugins`, where the docker CLI looks for plugins first. */
function pluginDirectory(env) {
    return external_node_path_default().join(env.DOCKER_CONFIG ?? external_node_path_default().join((0,external_node_os_.homedir)(), '.docker'), 'cli-plugins');
}
/** The installed buildx version; undefined when docker has no buildx plugin. */
async function installedBuildxVersion() {
    let output;
    try {
        const result = await (0,exec/* exec */.m0)('docker', ['buildx', 'version'], { silent: true, allowFailure: true });
        if (result.exitCode !== 0)
            return undefined;
        output = result.stdout;
    }
    catch (error) {
        throw new errors/* ActionError */.lZ(`the buildx engine needs the docker CLI, which was not found (${(0,errors/* errorMessage */.gJ)(error)})`, 'Install Docker before this step, or choose `engine: buildah`');
    }
    return parseBuildxVersion(output);
}
const LOOKUP_ATTEMPTS = 3;
/** Whether a failed API call may succeed when tried again: server trouble, rate limits, the network. */
function retryable(error) {
    const status = error.status;
    return typeof status !== 'number' || status >= 500 || status === 429 || status === 403;
}
/**
 * Tag names of the newest 100 buildx releases (older ones need an exact version), through
 * the GitHub API with the job's token: anonymous calls share 60 an hour per address.
 */
async function fetchReleaseTags(token) {
    // Loaded only when a range must be resolved: most runs never pay for the client.
    const { GitHub, getOctokitOptions } = await Promise.all(/* import() */[__webpack_require__.e(119), __webpack_require__.e(413)]).then(__webpack_require__.bind(__webpack_require__, 2413));
    const octokit = token === '' ? new GitHub() : new GitHub(getOctokitOptions(token));
    let failure;
    for (let attempt = 1; attempt <= LOOKUP_ATTEMPTS; attempt++) {
        try {
            const response = await octokit.rest.repos.listReleases({
                owner: 'docker',
                repo: 'buildx',
                per_page: 100
            });
            const tags = response.data.map(release => release.tag_name);
            if (tags.length === 0)
                throw new Error('the release list is empty');
            return tags;
        }
        catch (error) {
            failure = error;
            if (!retryable(error) || attempt === LOOKUP_ATTEMPTS)
                break;
            await new Promise(resolve => setTimeout(resolve, 1000 * 2 ** (attempt - 1)));
        }
    }
    throw new errors/* ActionError */.lZ(`could not list buildx releases through the GitHub API${token === '' ? ' (anonymously, as `github-token` is empty)' : ''}: ${(0,errors/* errorMessage */.gJ)(failure)}`, 'Pin `buildx-version` to an exact version (e.g. 0.17.1) to skip the lookup, or pass `github-token`');
}
async function sha256OfFile(file) {
    const hash = (0,external_node_crypto_.createHash)('sha256');
    for await (const chunk of (0,external_node_fs_.createReadStream)(file))
        hash.update(chunk);
    return hash.digest('hex');
}
/** The tool cache loads only when buildx must be installed. */
const toolCache = () => Promise.all(/* import() */[__webpack_require__.e(119), __webpack_require__.e(942), __webpack_require__.e(805)]).then(__webpack_require__.bind(__webpack_require__, 9805));
/** Pauses before the second and third attempt: a reset connection or a 5xx gets a few seconds, no more. */
const DOWNLOAD_RETRY_DELAYS_MS = [500, 1500];
/** A whole download (a plugin is ~60 MB) may take this long. */
const DOWNLOAD_TIMEOUT_MS = 180_000;
/** Network codes that say the connection broke or the name lookup hiccupped, not that nothing is there. */
const TRANSIENT_CODES = [
    'ECONNRESET',
    'ETIMEDOUT',
    'EPIPE',
    'EAI_AGAIN',
    'UND_ERR_SOCKET',
    'UND_ERR_CONNECT_TIMEOUT',
    'UND_ERR_HEADERS_TIMEOUT',
    'UND_ERR_BODY_TIMEOUT'
];
/** Whether trying again may help: server trouble and broken connections; never a 404 or an unknown host. */
function downloadRetryable(failure) {
    if (failure.status !== undefined) {
        return failure.status >= 500 || failure.status === 408 || failure.status === 429;
    }
    return failure.code !== undefined && TRANSIENT_CODES.includes(failure.code);
}
class DownloadError extends Error {
    failure;
    constructor(message, failure) {
        super(message);
        this.failure = failure;
        this.name = 'DownloadError';
    }
}
/** The innermost `code` of a fetch error (`fetch failed` wraps the socket's error). */
function networkCode(error) {
    let current = error;
    for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth++) {
        const code = current.code;
        if (typeof code === 'string')
            return code;
        current = current.cause;
    }
    return undefined;
}
async function downloadOnce(url, file) {
    // The runner's proxy settings (https_proxy, no_proxy) apply, as to every @actions client.
    const { HttpClient } = await Promise.all(/* import() */[__webpack_require__.e(119), __webpack_require__.e(942)]).then(__webpack_require__.bind(__webpack_require__, 4942));
    const client = new HttpClient('multiarch-build-action', [], {
        allowRedirects: true,
        allowRetries: false,
        socketTimeout: DOWNLOAD_TIMEOUT_MS
    });
    try {
        const response = await client.get(url);
        const status = response.message.statusCode ?? 0;
        if (status !== 200) {
            response.message.resume();
            throw new DownloadError(`HTTP ${status} ${response.message.statusMessage ?? ''}`.trim(), {
                status
            });
        }
        await (0,external_node_stream_promises_.pipeline)(response.message, (0,external_node_fs_.createWriteStream)(file));
    }
    catch (error) {
        if (error instanceof DownloadError)
            throw error;
        const code = networkCode(error);
        throw new DownloadError((0,errors/* errorMessage */.gJ)(error), code === undefined ? {} : { code });
    }
    finally {
        client.dispose();
    }
}
/**
 * Download `url` into a fresh file. Only what can recover within seconds is tried again
 * (see DOWNLOAD_RETRY_DELAYS_MS); a 404 or a host that does not resolve fails at once.
 */
async function download(url, delaysMs = DOWNLOAD_RETRY_DELAYS_MS) {
    const dir = await (0,promises_.mkdtemp)(external_node_path_default().join(process.env.RUNNER_TEMP ?? (0,external_node_os_.tmpdir)(), 'buildx-download-'));
    const file = external_node_path_default().join(dir, external_node_path_default().basename(new URL(url).pathname) || 'download');
    for (let attempt = 0;; attempt++) {
        try {
            await downloadOnce(url, file);
            return file;
        }
        catch (error) {
            const failure = error instanceof DownloadError ? error.failure : {};
            const delay = delaysMs[attempt];
            if (delay === undefined || !downloadRetryable(failure)) {
                await (0,promises_.rm)(dir, { recursive: true, force: true });
                throw new errors/* ActionError */.lZ(`could not download ${url}: ${(0,errors/* errorMessage */.gJ)(error)}${attempt === 0 ? '' : ` (after ${attempt + 1} attempts)`}`, failure.status === 404
                    ? 'No such release asset: pin a `buildx-version` that exists, or install docker-buildx before this step'
                    : 'Check that the runner reaches github.com, or install docker-buildx before this step');
            }
            core/* info */.pq(`download of ${url} failed (${(0,errors/* errorMessage */.gJ)(error)}); trying again in ${delay} ms`);
            await new Promise(resolve => setTimeout(resolve, delay));
        }
    }
}
/** Download (or take from the tool cache), verify, and install one buildx version as the plugin. */
async function installBuildx(version, nodeArch = process.arch) {
    const asset = releaseAsset(version, { os: 'linux', arch: nodeArch });
    const cache = await toolCache();
    let cached = cache.find(TOOL_NAME, version, nodeArch);
    if (cached === '') {
        core/* info */.pq(`downloading ${asset.url}`);
        const binary = await download(asset.url);
        const checksumsFile = await download(asset.checksumsUrl);
        try {
            const checksums = await (0,promises_.readFile)(checksumsFile, 'utf8');
            verifyChecksum(checksums, asset.name, await sha256OfFile(binary));
            cached = await cache.cacheFile(binary, TOOL_NAME, TOOL_NAME, version, nodeArch);
        }
        finally {
            for (const file of [binary, checksumsFile]) {
                await (0,promises_.rm)(external_node_path_default().dirname(file), { recursive: true, force: true });
            }
        }
    }
    const directory = pluginDirectory(process.env);
    await (0,promises_.mkdir)(directory, { recursive: true });
    const plugin = external_node_path_default().join(directory, TOOL_NAME);
    await (0,promises_.copyFile)(external_node_path_default().join(cached, TOOL_NAME), plugin);
    await (0,promises_.chmod)(plugin, 0o755);
    return plugin;
}
/** Make `docker buildx` satisfy the `buildx-version` input; returns the version in use. */
async function ensureBuildx(range, token, listReleases = fetchReleaseTags) {
    const installed = await installedBuildxVersion();
    if (installed !== undefined && !needsInstall(installed, range)) {
        core/* info */.pq(`buildx ${installed} (installed${range.trim() === '' ? '' : `; satisfies \`${range.trim()}\``})`);
        return installed;
    }
    const shortfall = installed === undefined
        ? 'docker has no buildx plugin'
        : `installed buildx ${installed} does not satisfy \`${range.trim()}\``;
    let version;
    try {
        version = exactVersion(range) ?? resolveVersion(range, await listReleases(token));
    }
    catch (error) {
        throw new errors/* ActionError */.lZ(`${shortfall}, and no version to install could be chosen: ${(0,errors/* errorMessage */.gJ)(error)}`);
    }
    if (installed !== undefined && comparableVersion(installed) === version) {
        core/* info */.pq(`buildx ${installed} (installed; the newest release for \`${range.trim()}\`)`);
        return installed;
    }
    core/* info */.pq(`${shortfall}: installing buildx ${version}`);
    try {
        await installBuildx(version);
    }
    catch (error) {
        throw new errors/* ActionError */.lZ(`${shortfall}, and installing ${version} failed: ${(0,errors/* errorMessage */.gJ)(error)}`);
    }
    const active = await installedBuildxVersion();
    if (active === undefined || comparableVersion(active) !== version) {
        throw new errors/* ActionError */.lZ(`installed buildx ${version}, but \`docker buildx version\` reports ${active ?? 'nothing'}`, 'Another docker-buildx plugin shadows it; remove it or set DOCKER_CONFIG');
    }
    core/* info */.pq(`buildx ${active} (installed now, checksum verified)`);
    return active;
}

;// CONCATENATED MODULE: ./src/engines/buildx/remove.ts
/** The argv that removes a builder: its own module, so the post step loads nothing else of buildx. */
function removeBuilderArgs(name) {
    return ['buildx', 'rm', name];
}

;// CONCATENATED MODULE: ./src/engines/buildx/reproducible.ts
/**
 * What a reproducible buildx build needs: BuildKit's `SOURCE_DATE_EPOCH` build arg and the
 * image exporter's `rewrite-timestamp=true` (every layer file's time clamped to it), which
 * BuildKit 0.13 introduced and buildx 0.13 passes on. Pure: tested as tables.
 */



const REWRITE_TIMESTAMP_SINCE = '0.13.0';
/** Exporters that write image layers, and so take `rewrite-timestamp`. */
const IMAGE_EXPORTERS = ['image', 'oci', 'docker', 'registry'];
/**
 * Why this builder cannot stamp reproducible images, naming the version that is too old;
 * undefined when it can (a version it cannot read counts as new: a development build).
 */
function rewriteTimestampProblem(buildxVersion, buildkitVersions) {
    if (!buildxAtLeast(buildxVersion, REWRITE_TIMESTAMP_SINCE)) {
        return `buildx ${buildxVersion} cannot pass the image exporter's rewrite-timestamp option (buildx ${REWRITE_TIMESTAMP_SINCE} and later can)`;
    }
    const old = buildkitVersions.filter((version) => {
        if (version === undefined)
            return false;
        const valid = semver_default().valid(semver_default().coerce(version));
        return valid !== null && semver_default().lt(valid, REWRITE_TIMESTAMP_SINCE);
    });
    if (old.length > 0) {
        return `the builder runs BuildKit ${old.join(', ')}, which has no rewrite-timestamp (BuildKit ${REWRITE_TIMESTAMP_SINCE} and later have it)`;
    }
    return undefined;
}
/** An `--output` entry that writes an image, with `rewrite-timestamp=true` unless it says otherwise. */
function withRewriteTimestamp(output) {
    const fields = (0,values/* parseOutputSpec */.eR)(output);
    if (!IMAGE_EXPORTERS.includes(fields.get('type') ?? '') || fields.has('rewrite-timestamp')) {
        return output;
    }
    return `${output},rewrite-timestamp=true`;
}
/**
 * Whether buildx adds a provenance attestation, which records when the build started and
 * finished: then the images reproduce and the attestation (and the index holding it) does not.
 */
function timedProvenance(provenance, env) {
    // From 0.10 buildx adds one unless told not to.
    if (provenance.trim() === '')
        return (env.BUILDX_NO_DEFAULT_ATTESTATIONS ?? '') === '';
    return !/^(false|0)$/i.test(provenance.trim()) && !/(^|,)disabled=true(,|$)/.test(provenance);
}

;// CONCATENATED MODULE: ./src/engines/buildx/argv.ts
/** argv for every `docker buildx` command the engine runs. Pure: tested as tables. */






/** argv for `docker buildx create`; no `--use`: every later command names the builder. */
function createBuilderArgs(spec) {
    const args = ['buildx', 'create', '--name', spec.name, '--driver', spec.driver];
    for (const option of spec.driverOpts)
        args.push('--driver-opt', option);
    if (spec.configFile !== undefined) {
        // buildx 0.13 renamed --config to --buildkitd-config.
        args.push(buildxAtLeast(spec.version, '0.13.0') ? '--buildkitd-config' : '--config');
        args.push(spec.configFile);
    }
    if (spec.endpoint !== undefined && spec.endpoint !== '')
        args.push(spec.endpoint);
    return args;
}
/** argv adding one `append` node; buildx names the first node `<builder>0`, these follow. */
function appendNodeArgs(builder, node, index) {
    const args = [
        'buildx',
        'create',
        '--name',
        builder,
        '--append',
        '--node',
        `${builder}${index + 1}`
    ];
    args.push('--platform', node.platforms.join(','));
    for (const option of node.driverOpts)
        args.push('--driver-opt', option);
    if (node.endpoint !== '')
        args.push(node.endpoint);
    return args;
}
function bootstrapArgs(name) {
    return ['buildx', 'inspect', '--bootstrap', '--builder', name];
}
/** The same without starting anything: for a builder that may be running already. */
function inspectArgs(name) {
    return ['buildx', 'inspect', '--builder', name];
}
/**
 * The one output of a push: every blob and manifest into the repository, addressed by
 * digest, and no tag. The action moves the tags itself, after the checks.
 */
function pushByDigestOutput(repository, reproducible = false) {
    return [
        'type=image',
        `name=${(0,src_reference/* repositoryName */.aR)(repository)}`,
        'push-by-digest=true',
        'name-canonical=true',
        'push=true',
        // Without attestations BuildKit pushes Docker media types, while an OCI layout (a rebuild
        // with `push: false`) holds OCI ones: the same image under two digests. One kind for both.
        ...(reproducible ? ['oci-mediatypes=true', 'rewrite-timestamp=true'] : [])
    ]
        .map(csvField)
        .join(',');
}
function secretSpec(id, kind, value) {
    return [`id=${id}`, `${kind}=${value}`].map(csvField).join(',');
}
/** argv for the one `docker buildx build` that builds every planned platform. */
function buildxBuildArgs(request, options, run, env) {
    const args = ['buildx', 'build', '--builder', run.builder];
    // Plain progress is what summarizeProgress reads, whatever BUILDKIT_PROGRESS says.
    args.push('--progress', 'plain');
    args.push('--platform', request.platforms.map(entry => entry.name).join(','));
    if (request.file !== '')
        args.push('--file', request.file);
    if (request.target !== '')
        args.push('--target', request.target);
    // A push names no tag: BuildKit would move it before the checks. Local outputs keep them.
    if (run.pushTo === undefined) {
        for (const tag of request.tags)
            args.push('--tag', (0,src_reference/* formatReference */.FH)(tag));
    }
    for (const { key, value } of request.labels)
        args.push('--label', `${key}=${value}`);
    // Each level spelt out: buildx and metadata-action read a bare line the same way (manifest).
    for (const annotation of request.annotations)
        args.push('--annotation', (0,src_annotations/* formatAnnotation */.tn)(annotation));
    for (const { key, value } of request.buildArgs)
        args.push('--build-arg', `${key}=${value}`);
    // BuildKit stamps the config, history and (with rewrite-timestamp) every layer file with it.
    const epoch = request.sourceDateEpoch;
    if (epoch !== undefined)
        args.push('--build-arg', `SOURCE_DATE_EPOCH=${epoch}`);
    const stamped = (output) => epoch === undefined ? output : withRewriteTimestamp(output);
    for (const { key, value } of options.buildContexts)
        args.push('--build-context', `${key}=${value}`);
    // Secret values reach buildx only through files and environment variables, never argv.
    for (const { id, file } of run.secretFiles)
        args.push('--secret', secretSpec(id, 'src', file));
    for (const { key, value } of options.secretEnvs)
        args.push('--secret', secretSpec(key, 'env', value));
    for (const { key, value } of options.secretFiles)
        args.push('--secret', secretSpec(key, 'src', value));
    for (const ssh of options.ssh)
        args.push('--ssh', ssh);
    if (request.noCache)
        args.push('--no-cache');
    if (request.pull)
        args.push('--pull');
    if (options.network !== '')
        args.push('--network', options.network);
    for (const host of options.addHosts)
        args.push('--add-host', host);
    if (options.shmSize !== '')
        args.push('--shm-size', options.shmSize);
    for (const ulimit of options.ulimits)
        args.push('--ulimit', ulimit);
    args.push(...cacheArgs(request, options.driver, env));
    if (options.provenance !== '')
        args.push(`--provenance=${options.provenance}`);
    if (options.sbom !== '')
        args.push(`--sbom=${options.sbom}`);
    for (const output of options.outputs)
        args.push('--output', stamped(output));
    if (run.layoutDir !== undefined) {
        args.push('--output', stamped(['type=oci', `dest=${run.layoutDir}`, 'tar=false'].map(csvField).join(',')));
    }
    // Last: BuildKit merges the exporters' answers in order, so the metadata names the push.
    if (run.pushTo !== undefined) {
        args.push('--output', pushByDigestOutput(run.pushTo, epoch !== undefined));
    }
    if (options.load)
        args.push('--load');
    args.push('--metadata-file', run.metadataFile, '--iidfile', run.iidFile);
    args.push(request.context);
    return args;
}
/** The build context name under which the smoke test finds the image in an OCI layout. */
const SMOKE_IMAGE_CONTEXT = 'smoke-image';
/**
 * The smoke test's Dockerfile: run the command in the image and keep its output and exit
 * code as files, so a failing command still ends in a successful build that reports it.
 */
function smokeDockerfile(base) {
    const from = base.kind === 'registry' ? base.reference : SMOKE_IMAGE_CONTEXT;
    return [
        `FROM ${from} AS smoke`,
        'ARG SMOKE_COMMAND',
        'RUN sh -c "$SMOKE_COMMAND" > /.smoke-output 2>&1; echo $? > /.smoke-exit',
        'FROM scratch',
        'COPY --from=smoke /.smoke-output /.smoke-exit /',
        ''
    ].join('\n');
}
/** argv of the smoke test: one throwaway build of every platform, its files written to `outDir`. */
function smokeBuildArgs(version, builder, platforms, base, command, contextDir, outDir) {
    const args = ['buildx', 'build', '--builder', builder, '--progress', 'plain'];
    args.push('--platform', platforms.join(','));
    args.push('--file', `${contextDir}/Dockerfile`);
    if (base.kind === 'layout') {
        args.push('--build-context', `${SMOKE_IMAGE_CONTEXT}=oci-layout://${base.dir}@${base.digest}`);
    }
    // Every run runs the command afresh: a cached result would report an old run.
    args.push('--no-cache', '--build-arg', `SMOKE_COMMAND=${command}`);
    // From 0.10 on, buildx adds provenance by default, and with it a file in the output.
    if (buildxAtLeast(version, '0.10.0'))
        args.push('--provenance=false');
    args.push('--output', `type=local,dest=${outDir}`, contextDir);
    return args;
}

;// CONCATENATED MODULE: ./src/engines/buildx/progress.ts
/** What buildx's plain progress and `buildx inspect` say, read without running anything. */

/**
 * Cache hits and failures per platform from buildx's plain progress. Steps of a
 * many-platform build are named `#8 [linux/arm64 2/3] RUN ...`; a single-platform build
 * leaves the platform out, so unnamed steps belong to the only platform.
 */
function summarizeProgress(log, platforms) {
    const only = platforms.length === 1 ? platforms[0] : undefined;
    const platformOfStep = new Map();
    const cacheHits = Object.fromEntries(platforms.map(name => [name, 0]));
    const failed = [];
    const cacheSteps = new Map();
    const cacheFailures = [];
    let pushed;
    for (const raw of log.split('\n')) {
        const line = raw.trim();
        const cacheStep = /^#(\d+) (importing cache manifest from|exporting cache to) (.+?)\s*$/.exec(line);
        if (cacheStep?.[1] !== undefined && cacheStep[3] !== undefined) {
            cacheSteps.set(cacheStep[1], {
                direction: cacheStep[2] === 'exporting cache to' ? 'export' : 'import',
                target: cacheStep[3]
            });
            continue;
        }
        const manifest = /^#\d+ pushing manifest for (\S+@sha256:[0-9a-f]{64})/.exec(line);
        if (manifest?.[1] !== undefined)
            pushed = manifest[1];
        const cacheError = /^#(\d+) ERROR:?\s*(.*)$/.exec(line);
        const cache = cacheError?.[1] === undefined ? undefined : cacheSteps.get(cacheError[1]);
        if (cache !== undefined) {
            // A cache step belongs to no platform: its failure is not a platform's.
            cacheFailures.push({ ...cache, message: cacheError?.[2] ?? '' });
            continue;
        }
        const named = /^#(\d+) \[(linux\/[a-z0-9]+(?:\/v\d+)?)[ \]]/.exec(line);
        if (named?.[1] !== undefined && named[2] !== undefined) {
            platformOfStep.set(named[1], (0,src_platform/* canonicalPlatformName */.$b)(named[2]));
            continue;
        }
        const outcome = /^#(\d+) (CACHED|ERROR\b)/.exec(line);
        if (outcome?.[1] === undefined)
            continue;
        const platform = platformOfStep.get(outcome[1]) ?? only;
        if (platform === undefined)
            continue;
        if (outcome[2] === 'CACHED')
            cacheHits[platform] = (cacheHits[platform] ?? 0) + 1;
        else if (!failed.includes(platform))
            failed.push(platform);
    }
    return { cacheHits, failed, cacheFailures, pushed };
}
/** `build of linux/arm64 (under QEMU) failed`, naming the platforms the log blames. */
function describeFailure(planned, failed) {
    const named = planned
        .filter(entry => failed.includes(entry.name))
        .map(entry => `${entry.name}${entry.emulated ? ' (under QEMU)' : ''}`);
    return named.length === 0 ? 'build failed' : `build of ${named.join(', ')} failed`;
}
/**
 * Every platform the nodes of a builder offer, from `docker buildx inspect`: one
 * `Platforms:` line per running node; newer buildx marks platforms fixed by `--platform` with `*`.
 */
function parseInspectPlatforms(text) {
    const platforms = new Set();
    for (const line of text.split('\n')) {
        const match = /^\s*Platforms:\s*(.*)$/.exec(line);
        if (match?.[1] === undefined)
            continue;
        for (const item of match[1].split(',')) {
            const name = item.trim().replace(/\*$/, '');
            if (name !== '')
                platforms.add((0,src_platform/* canonicalPlatformName */.$b)(name));
        }
    }
    return [...platforms];
}
/** Whether every node `docker buildx inspect` lists is running (then no bootstrap is needed). */
function allNodesRunning(text) {
    const statuses = [...text.matchAll(/^Status:\s*(\S+)/gm)].map(match => match[1]);
    return statuses.length > 0 && statuses.every(status => status === 'running');
}
/** The builder's driver, from the `Driver:` line of `docker buildx inspect`. */
function parseInspectDriver(text) {
    return /^Driver:\s*(\S+)/m.exec(text)?.[1];
}
/** Planned platforms the builder does not offer; none when it listed nothing to compare with. */
function unsupportedPlatforms(planned, available) {
    if (available.length === 0)
        return [];
    return planned.map(entry => entry.name).filter(name => !available.includes(name));
}
/**
 * The BuildKit version of each node `docker buildx inspect` lists, in order (`Buildkit:` before
 * buildx 0.11, `BuildKit version:` after); undefined for a node that shows none (not running).
 */
function parseInspectBuildkitVersions(text) {
    const nodes = text.split(/^Nodes:\s*$/m)[1];
    if (nodes === undefined)
        return [];
    return nodes
        .split(/^(?=Name:)/m)
        .filter(section => section.startsWith('Name:'))
        .map(section => /^(?:Buildkit|BuildKit version):\s*v?(\S+)/m.exec(section)?.[1]);
}
/** buildx's answer when the daemon cannot run more than one exporter in a build. */
function refusedSecondOutput(stderr) {
    return /multiple outputs currently unsupported/.test(stderr);
}
/** The driver buildx (0.11 on) names as a build starts: `#0 building with "b" instance using remote driver`. */
function buildLogDriver(log, builder) {
    const match = /^#0 building with "(.*)" instance using (\S+) driver$/m.exec(log);
    return match?.[1] === builder ? match[2] : undefined;
}

;// CONCATENATED MODULE: ./src/engines/buildx/builder.ts
/** The builder's life: create (or reuse), boot, check its platforms, remove. */









/** Run a docker command silently and say in the debug log how long it took. */
async function timed(args, env, allowFailure = false) {
    const started = performance.now();
    const result = await (0,exec/* exec */.m0)('docker', args, { env, silent: true, allowFailure });
    core/* debug */.Yz(`docker ${args.slice(0, 3).join(' ')}: ${Math.round(performance.now() - started)} ms, exit ${result.exitCode}`);
    return result;
}
/**
 * buildkitd.toml with the OCI worker's `max-parallelism` set, unless the given config sets it
 * already (the user's own line wins).
 */
function withWorkerParallelism(config, limit) {
    if (limit === undefined || /^\s*max-parallelism\s*=/m.test(config))
        return config;
    const line = `  max-parallelism = ${limit}`;
    const table = /^\s*\[worker\.oci\]\s*$/m.exec(config);
    if (table !== null) {
        const end = table.index + table[0].length;
        return `${config.slice(0, end)}\n${line}${config.slice(end)}`;
    }
    return `${config}${config === '' || config.endsWith('\n') ? '' : '\n'}[worker.oci]\n${line}\n`;
}
/**
 * Create (or pick) the builder, boot it, and check it offers every planned platform. `version`
 * is the buildx in use, still being found out: a builder this step does not create is
 * inspected meanwhile, as inspecting needs no particular version; creating waits for it.
 */
async function prepareBuilder(options, platforms, version, env, tempDir) {
    let name = options.builder;
    let created = false;
    core/* debug */.Yz(name !== ''
        ? `builder: \`${name}\` given as \`builder\`, used as it is`
        : options.driver === 'docker'
            ? "builder: the docker driver builds on the daemon's own builder"
            : `builder: creating one with driver ${options.driver}, named ${options.builderName === '' ? 'by the action' : 'by `builder-name`'}`);
    // A builder this step did not create is often running already: one inspect tells whether,
    // and is all it needs; booting it again would cost a round trip to every node for nothing.
    let inspecting;
    if (name === '' && options.driver === 'docker') {
        // The docker driver's builder carries the name of the docker context.
        name = options.endpoint || (await timed(['context', 'show'], env)).stdout.trim();
        inspecting = timed(inspectArgs(name), env, true);
        inspecting.catch(() => undefined);
        await version;
        core/* info */.pq(`using the docker daemon's own builder \`${name}\``);
    }
    else if (name === '') {
        name = options.builderName || `multiarch-${(0,external_node_crypto_.randomBytes)(4).toString('hex')}`;
        let configFile;
        const config = withWorkerParallelism(options.buildkitdConfigInline, options.driver === 'remote' ? undefined : options.workerParallelism);
        if (config.trim() !== '') {
            configFile = external_node_path_default().join(tempDir, `buildkitd-${name}.toml`);
            await (0,promises_.writeFile)(configFile, config, { mode: 0o600 });
        }
        const spec = {
            name,
            driver: options.driver,
            driverOpts: options.driverOpts,
            endpoint: options.endpoint,
            version: await version,
            ...(configFile === undefined ? {} : { configFile })
        };
        await timed(createBuilderArgs(spec), env);
        created = true;
        // Should this step die before it removes the builder, the post step does.
        (0,state/* rememberBuilder */.hG)(name);
        core/* info */.pq(`created builder \`${name}\` (driver ${options.driver}${options.endpoint === '' ? '' : `, endpoint ${options.endpoint}`})`);
        if (options.workerParallelism !== undefined) {
            core/* info */.pq(options.driver === 'remote'
                ? `max-parallelism: a remote builder keeps the limit its own buildkitd.toml sets`
                : `max-parallelism: the builder's worker runs at most ${options.workerParallelism} build steps at once`);
        }
        for (const [index, node] of options.append.entries()) {
            await timed(appendNodeArgs(name, node, index), env);
            core/* info */.pq(`appended node ${name}${index + 1} for ${node.platforms.join(', ')}`);
        }
    }
    else {
        inspecting = timed(inspectArgs(name), env, true);
        inspecting.catch(() => undefined);
        // The version's failure (no docker, no buildx) says more than the inspect's would.
        await version;
        core/* info */.pq(`reusing builder \`${name}\` as it is${options.workerParallelism === undefined ? '' : '; max-parallelism applies only to a builder this step creates'}`);
    }
    // A failed inspect (no such builder, or buildx installed only now) leads to the boot, whose
    // own failure names the problem.
    let inspect = await inspecting;
    if (inspect === undefined || inspect.exitCode !== 0 || !allNodesRunning(inspect.stdout)) {
        inspect = await timed(bootstrapArgs(name), env);
    }
    return inspectedBuilder(name, created, env, inspect.stdout, options.driver, platforms);
}
/**
 * The builder as `inspect` describes it, logged, and checked to offer every planned platform
 * (none listed: the check cannot be made, and the log says so).
 */
function inspectedBuilder(name, created, env, inspect, askedDriver, platforms) {
    const driver = parseInspectDriver(inspect) ?? askedDriver;
    const available = parseInspectPlatforms(inspect);
    core/* info */.pq(`builder \`${name}\`: driver ${driver}; platforms ${available.join(', ') || 'not listed'}`);
    const missing = unsupportedPlatforms(platforms, available);
    if (available.length === 0) {
        core/* warning */.$e(`builder \`${name}\` lists no platforms; the plan was not checked against it`);
    }
    if (missing.length > 0) {
        throw new errors/* ActionError */.lZ(`builder \`${name}\` cannot build ${missing.join(', ')}; it offers ${available.join(', ')}`, 'Let this action set up QEMU for them (`qemu: auto`), or `append` a node that builds them');
    }
    return { name, driver, created, env, buildkitVersions: parseInspectBuildkitVersions(inspect) };
}
/** Whether the build may start before the version and the builder are known. */
function checkedBesideBuild(options) {
    return options.builder !== '' && options.version.trim() === '';
}
/**
 * The builder that built, once the build has ended. A build that succeeded built every
 * platform, so its log's driver is all that is left to learn; otherwise `inspect` says.
 */
async function builderAfterBuild(beside, askedDriver, platforms, build) {
    const driver = build.succeeded ? buildLogDriver(build.log, beside.name) : undefined;
    if (driver !== undefined) {
        core/* info */.pq(`builder \`${beside.name}\`: driver ${driver}; it built every planned platform`);
        return { name: beside.name, driver, created: false, env: beside.env, buildkitVersions: [] };
    }
    let inspect = await timed(inspectArgs(beside.name), beside.env, true);
    if (inspect.exitCode !== 0 || !allNodesRunning(inspect.stdout)) {
        inspect = await timed(inspectArgs(beside.name), beside.env);
    }
    return inspectedBuilder(beside.name, false, beside.env, inspect.stdout, askedDriver, platforms);
}
/** Remove a builder this run created; one it reused stays. */
async function removeBuilder(builder) {
    if (!builder.created)
        return;
    const result = await (0,exec/* exec */.m0)('docker', removeBuilderArgs(builder.name), {
        env: builder.env,
        silent: true,
        allowFailure: true
    });
    if (result.exitCode === 0) {
        (0,state/* forgetBuilder */.H4)();
        core/* info */.pq(`removed builder \`${builder.name}\``);
    }
    else {
        core/* warning */.$e(`could not remove builder \`${builder.name}\` (the post step tries again): ${result.stderr.trim()}`);
    }
}

// EXTERNAL MODULE: ./src/registry/credentials.ts
var registry_credentials = __webpack_require__(3653);
;// CONCATENATED MODULE: ./src/engines/buildx/docker-config.ts
/** The private docker config a buildx run uses, so the action's logins never touch the user's. */





function record(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value)
        ? value
        : {};
}
/** Where docker keeps credentials for a registry: Docker Hub has its legacy key. */
function authKey(registry) {
    return registry === 'docker.io' ? registry_credentials/* DOCKER_HUB_SERVER */.Ns : registry;
}
/**
 * A docker config.json for this run: the user's settings plus the action's logins. A helper
 * for one of these registries, or a `credsStore` (it serves every registry), would shadow the
 * inline `auths`, so both go: registries known only to that store lose their login here.
 */
function dockerConfigWithLogins(original, logins) {
    const base = { ...record(original) };
    const auths = { ...record(base.auths) };
    const helpers = { ...record(base.credHelpers) };
    for (const { registry, credentials } of logins) {
        auths[authKey(registry)] = { auth: (0,registry_credentials/* basicAuth */.tB)(credentials) };
        Reflect.deleteProperty(helpers, authKey(registry));
    }
    Reflect.deleteProperty(base, 'credsStore');
    return { ...base, auths, credHelpers: helpers };
}
/**
 * With logins, buildx gets a private DOCKER_CONFIG so credentials never land in the user's
 * config.json. Plugins and contexts stay shared through links, builders through BUILDX_CONFIG.
 */
async function privateDockerEnv(request) {
    if (request.logins.length === 0)
        return {};
    const original = process.env.DOCKER_CONFIG ?? external_node_path_default().join((0,external_node_os_.homedir)(), '.docker');
    const dir = external_node_path_default().join(request.tempDir, state/* PRIVATE_DOCKER_CONFIG */.aw);
    await (0,promises_.mkdir)(dir, { recursive: true, mode: 0o700 });
    // A missing or broken config.json leaves only the action's logins, as docker would read it.
    const existing = await (0,promises_.readFile)(external_node_path_default().join(original, 'config.json'), 'utf8')
        .then((text) => JSON.parse(text))
        .catch(() => ({}));
    await (0,promises_.writeFile)(external_node_path_default().join(dir, 'config.json'), JSON.stringify(dockerConfigWithLogins(existing, request.logins)), { mode: 0o600 });
    for (const shared of ['cli-plugins', 'contexts']) {
        await (0,promises_.symlink)(external_node_path_default().join(original, shared), external_node_path_default().join(dir, shared)).catch(() => undefined);
    }
    return (0,state/* builderEnv */.D4)(dir, process.env);
}

;// CONCATENATED MODULE: ./src/engines/buildx/metadata.ts
/** What buildx says it built: its `--metadata-file`. Pure. */

const DIGEST = /^sha256:[a-f0-9]{64}$/;
function isObject(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
function stringField(object, key) {
    const value = object[key];
    return typeof value === 'string' && value !== '' ? value : undefined;
}
function checkedDigest(value, where) {
    // A malformed digest would end up in a step output; refuse it rather than pass it on.
    if (value !== undefined && !DIGEST.test(value)) {
        throw new errors/* ActionError */.lZ(`buildx wrote \`${value}\` as ${where}, which is not sha256:<64 hex>`);
    }
    return value;
}
/** Read the JSON buildx writes with `--metadata-file`. */
function parseMetadataFile(json) {
    if (!isObject(json))
        throw new errors/* ActionError */.lZ('the buildx metadata file does not hold a JSON object');
    const descriptor = isObject(json['containerimage.descriptor'])
        ? json['containerimage.descriptor']
        : undefined;
    const digest = checkedDigest(stringField(json, 'containerimage.digest') ??
        (descriptor === undefined ? undefined : stringField(descriptor, 'digest')), '`containerimage.digest`');
    const configDigest = checkedDigest(stringField(json, 'containerimage.config.digest'), '`containerimage.config.digest`');
    const mediaType = descriptor === undefined ? undefined : stringField(descriptor, 'mediaType');
    const buildRef = stringField(json, 'buildx.build.ref');
    const imageNames = (stringField(json, 'image.name') ?? '')
        .split(',')
        .map(name => name.trim())
        .filter(name => name !== '');
    return {
        ...(digest === undefined ? {} : { digest }),
        ...(mediaType === undefined ? {} : { mediaType }),
        imageNames,
        ...(buildRef === undefined ? {} : { buildRef }),
        ...(configDigest === undefined ? {} : { configDigest })
    };
}

;// CONCATENATED MODULE: ./src/engines/buildx/result.ts
/** Where a buildx build leaves its image, decided from the outputs before it runs. */





/**
 * Pure: a second output needs buildx 0.13 and BuildKit 0.13 on every node (older buildx
 * refuses more than one `--output`; newer asks the daemon). A node whose version `inspect`
 * does not show is tried: buildx refuses before building, and the build runs again without.
 */
function layoutBesidePush(buildxVersion, driver, buildkitVersions, registry) {
    // Measured: on one machine, reading a warm 4-platform image back from a registry there
    // costs less than BuildKit sending the whole image to the client a second time.
    if (onThisMachine(registry)) {
        return { layout: false, reason: `${registry} is on this machine: reading it back costs less` };
    }
    // Built from source without a version stamped in, both call themselves 0.0.0: unknown.
    const stamped = (version) => version === undefined || /^0\.0\.0(?:[+-]|$)/.test(version) ? undefined : version;
    const nodes = buildkitVersions.map(stamped);
    if (stamped(buildxVersion) !== undefined && !buildxAtLeast(buildxVersion, '0.13.0')) {
        return {
            layout: false,
            reason: `buildx ${buildxVersion} takes one output only (0.13 takes more)`
        };
    }
    if (driver === 'docker') {
        return {
            layout: false,
            reason: 'the docker driver exports OCI only with the containerd image store; not tried'
        };
    }
    const old = nodes.filter((version) => version !== undefined && !buildxAtLeast(version, '0.13.0'));
    if (old.length > 0) {
        return {
            layout: false,
            reason: `BuildKit ${old.join(', ')} runs one exporter per build (0.13 runs more)`
        };
    }
    const known = nodes.filter(version => version !== undefined);
    return {
        layout: true,
        reason: known.length === nodes.length && known.length > 0
            ? `buildx ${buildxVersion} and BuildKit ${[...new Set(known)].join(', ')} run several exporters`
            : `buildx ${buildxVersion}; BuildKit's version is not shown, so it is tried`
    };
}
/**
 * Pure: push, else the user's OCI output, else a layout of the action's own when the checks
 * need one and the outputs leave room for it, else why the result cannot be read. A push
 * the checks will read gets a layout beside it when `besidePush` allows one.
 */
function planOutputs(outputs, load, push, keepForChecks, tempLayout, besidePush = false) {
    if (push) {
        return keepForChecks && besidePush
            ? { kind: 'push', besideLayout: tempLayout }
            : { kind: 'push' };
    }
    for (const output of outputs) {
        const fields = (0,values/* parseOutputSpec */.eR)(output);
        const dest = fields.get('dest');
        if (fields.get('type') !== 'oci' || dest === undefined || dest === '-')
            continue;
        return fields.get('tar') === 'false'
            ? { kind: 'layout', dir: dest, temporary: false }
            : { kind: 'oci-tar', file: dest };
    }
    if (load)
        return { kind: 'unavailable', reason: 'it was loaded into the docker image store' };
    if (outputs.length > 0) {
        return {
            kind: 'unavailable',
            reason: 'the `outputs` write no OCI image (only type=oci gives one the action can read)'
        };
    }
    if (keepForChecks)
        return { kind: 'layout', dir: tempLayout, temporary: true };
    return { kind: 'unavailable', reason: "it stays in the builder's cache" };
}
/** The built image once the build has run. */
async function builtImage(plan, pushed, tempDir) {
    switch (plan.kind) {
        case 'push':
            if (pushed === undefined) {
                return { kind: 'unavailable', reason: 'buildx reported no digest for its push' };
            }
            return plan.besideLayout === undefined
                ? { kind: 'registry', ...pushed }
                : { kind: 'registry', ...pushed, localCopy: external_node_path_default().resolve(plan.besideLayout) };
        case 'layout':
            return { kind: 'layout', dir: external_node_path_default().resolve(plan.dir), temporary: plan.temporary };
        case 'oci-tar': {
            // The tar stays as the user asked for it; the checks read an unpacked copy.
            const dir = external_node_path_default().join(tempDir, `oci-${external_node_path_default().basename(plan.file)}-${Date.now()}`);
            await (0,promises_.mkdir)(dir, { recursive: true });
            await (0,exec/* exec */.m0)('tar', ['-xf', external_node_path_default().resolve(plan.file), '-C', dir], { silent: true });
            return { kind: 'layout', dir, temporary: true };
        }
        case 'unavailable':
            return plan;
    }
}
/** `localhost`, `127.0.0.1`, `[::1]`, with or without a port. */
function onThisMachine(registry) {
    const host = registry.replace(/:\d+$/, '');
    return host === 'localhost' || /^127\.\d+\.\d+\.\d+$/.test(host) || host === '[::1]';
}

;// CONCATENATED MODULE: ./src/engines/buildx/engine.ts
/** The buildx engine: one `docker buildx build` of every platform, pushed by digest only. */






















class BuildxEngine {
    options;
    group;
    name = 'buildx';
    version = '';
    tempDir = '';
    builder;
    beside;
    /** OCI layouts BuildKit wrote beside a push, for the checks; removed by dispose(). */
    besideLayouts = [];
    constructor(options, group) {
        this.options = options;
        this.group = group;
    }
    async prepare(request) {
        this.tempDir = request.tempDir;
        engine_refuseIndexDescriptor(request, this.options);
        const env = await privateDockerEnv(request);
        // A reproducible build must know the builder's BuildKit before it starts: not beside it.
        if (checkedBesideBuild(this.options) && request.sourceDateEpoch === undefined) {
            // Any installed buildx will do and the builder is used as it is: the build need not wait
            // for either round trip, so both run beside it and are judged when it ends.
            const version = installedBuildxVersion();
            version.catch(() => undefined);
            this.beside = { name: this.options.builder, env, version };
            core/* info */.pq(`reusing builder \`${this.options.builder}\` as it is; buildx and the builder are checked when it has built`);
            return;
        }
        // The version and the builder's inspect are each a round trip: they run side by side.
        const version = ensureBuildx(this.options.version, this.options.githubToken);
        version.catch(() => undefined);
        this.builder = await prepareBuilder(this.options, request.platforms, version, env, request.tempDir);
        this.version = await version;
        if (request.sourceDateEpoch !== undefined) {
            const problem = rewriteTimestampProblem(this.version, this.builder.buildkitVersions);
            if (problem !== undefined) {
                throw new errors/* InputError */.dz(constants/* Input */.pd.SourceDateEpoch, `is set, but ${problem}`, 'Use `buildx-version: ">=0.13"` and a builder with BuildKit 0.13 or later, or the buildah engine');
            }
            core/* info */.pq(`source-date-epoch ${request.sourceDateEpoch}: SOURCE_DATE_EPOCH build arg and rewrite-timestamp on the image output (BuildKit ${this.builder.buildkitVersions.join(', ') || 'version not listed'})`);
        }
    }
    async build(request) {
        const beside = this.beside;
        this.beside = undefined;
        const target = this.builder ?? beside;
        if (target === undefined)
            throw new Error('BuildxEngine.prepare() must run first');
        const names = request.platforms.map(entry => entry.name);
        const id = (0,external_node_crypto_.randomBytes)(4).toString('hex');
        const [first] = request.tags;
        const registry = first?.registry ?? '';
        const besidePush = this.builder !== undefined
            ? layoutBesidePush(this.version, this.builder.driver, this.builder.buildkitVersions, registry)
            : onThisMachine(registry)
                ? layoutBesidePush('', '', [], registry)
                : {
                    layout: true,
                    reason: 'buildx and BuildKit are learnt beside the build, so a second output is tried; a refusal builds again with the push alone'
                };
        let outputs = planOutputs(this.options.outputs, this.options.load, request.push, request.keepForChecks, external_node_path_default().join(request.tempDir, `layout-${id}`), besidePush.layout);
        if (outputs.kind === 'push' && first === undefined) {
            throw new errors/* ActionError */.lZ('the buildx engine was asked to push, but no tag names a repository');
        }
        if (outputs.kind === 'push' && request.keepForChecks) {
            core/* debug */.Yz(besidePush.layout
                ? `the checks read the layers from an OCI layout written beside the push: ${besidePush.reason}`
                : `the checks read the layers back from the registry: ${besidePush.reason}`);
        }
        const secretFiles = await writeSecretFiles(request.secrets, request.tempDir);
        const metadataFile = external_node_path_default().join(request.tempDir, `buildx-metadata-${id}.json`);
        const iidFile = external_node_path_default().join(request.tempDir, `buildx-iid-${id}`);
        const runOf = (plan) => ({
            builder: target.name,
            metadataFile,
            iidFile,
            secretFiles,
            ...(plan.kind === 'push' && first !== undefined ? { pushTo: first } : {}),
            ...(plan.kind === 'layout' && plan.temporary ? { layoutDir: plan.dir } : {}),
            ...(plan.kind === 'push' && plan.besideLayout !== undefined
                ? { layoutDir: plan.besideLayout }
                : {})
        });
        const started = performance.now();
        let buildArgs = buildxBuildArgs(request, this.options, runOf(outputs), process.env);
        const run = async () => {
            try {
                return await (0,exec/* exec */.m0)('docker', buildArgs, { env: target.env, allowFailure: true });
            }
            catch (error) {
                // No docker at all: the version probe beside the build says so more plainly.
                await beside?.version;
                throw error;
            }
        };
        let installed;
        let result;
        try {
            result = await this.group(`Build ${names.join(', ')}`, async () => {
                if (outputs.kind === 'push' && outputs.besideLayout !== undefined) {
                    this.besideLayouts.push(outputs.besideLayout);
                }
                let attempt = await run();
                if (attempt.exitCode !== 0 &&
                    beside !== undefined &&
                    (await beside.version) === undefined) {
                    // docker has no buildx plugin: install one, as ensureBuildx does before other builds.
                    installed = await ensureBuildx(this.options.version, this.options.githubToken);
                    attempt = await run();
                }
                if (attempt.exitCode === 0 ||
                    outputs.kind !== 'push' ||
                    outputs.besideLayout === undefined ||
                    !refusedSecondOutput(attempt.stderr)) {
                    return attempt;
                }
                // buildx refuses before it builds anything, so trying cost only a start of the CLI.
                core/* info */.pq('this buildx or BuildKit takes one output per build: building again with the push alone');
                outputs = { kind: 'push' };
                buildArgs = buildxBuildArgs(request, this.options, runOf(outputs), process.env);
                return run();
            });
        }
        finally {
            await removeSecretFiles(secretFiles);
        }
        const seconds = (performance.now() - started) / 1000;
        // Judged before the result is read or a failure reported: a builder that lacks a
        // platform, or is not there, says more than the build's own error.
        if (beside !== undefined) {
            await this.settleBeside(beside, installed, request.platforms, {
                succeeded: result.exitCode === 0,
                log: result.stdout + '\n' + result.stderr
            });
        }
        const builder = this.requireBuilder();
        const progress = summarizeProgress(`${result.stdout}\n${result.stderr}`, names);
        const cache = cachePlan(request, this.options.driver, process.env);
        const cacheLine = describeCache(cache, progress.cacheHits, progress.cacheFailures);
        core/* info */.pq(cacheLine);
        const cacheWarnings = progress.cacheFailures.map(failure => cacheWarning(cache, failure));
        for (const warning of cacheWarnings)
            core/* warning */.$e(warning);
        if (result.exitCode !== 0) {
            const failedCommand = new exec/* ExecError */.cI((0,exec/* commandLine */.ay)('docker', buildArgs), result).message;
            const exportFailure = progress.cacheFailures.find(failure => failure.direction === 'export');
            if (progress.failed.length === 0 && exportFailure !== undefined) {
                throw new errors/* ActionError */.lZ(`the build succeeded, but the cache export to ${exportFailure.target} failed (${exportFailure.message})${progress.pushed === undefined
                    ? ''
                    : `; the image had been pushed by digest as ${progress.pushed} and stays untagged`}: ${failedCommand}`, 'No tag was moved. Mend the cache backend, or add ignore-error=true to `cache-to` so its failure does not fail the build');
            }
            // BuildKit pushes by digest only, so whatever it pushed before failing is untagged.
            throw new errors/* ActionError */.lZ(`${describeFailure(request.platforms, progress.failed)}: ${failedCommand}`, 'No tag was moved');
        }
        const metadataJson = await readJson(metadataFile, 'buildx metadata file');
        const metadata = parseMetadataFile(metadataJson);
        if (outputs.kind === 'push' && metadata.digest === undefined) {
            throw new errors/* ActionError */.lZ('buildx pushed, but its metadata names no image digest');
        }
        const image = await builtImage(outputs, first !== undefined && metadata.digest !== undefined
            ? { registry: first.registry, repository: first.repository, digest: metadata.digest }
            : undefined, request.tempDir);
        const imageId = (await (0,promises_.readFile)(iidFile, 'utf8').catch(() => '')).trim();
        return {
            image,
            imageId,
            // One build covers every platform, so each shares its duration.
            builds: names.map(platform => ({
                platform,
                seconds,
                cacheHits: progress.cacheHits[platform] ?? 0
            })),
            dockerKeys: typeof metadataJson === 'object' && metadataJson !== null
                ? (0,docker_metadata/* buildxKeys */.z$)(metadataJson)
                : {},
            metadata: {
                engine: 'buildx',
                version: this.version,
                builder: builder.name,
                driver: builder.driver,
                ...metadata,
                imageId,
                cache: {
                    chosenBy: cache.chosenBy,
                    from: cache.from,
                    to: cache.to,
                    ...(cache.reason === undefined ? {} : { reason: cache.reason }),
                    failures: progress.cacheFailures
                }
            },
            notes: [cacheLine, ...cacheWarnings, ...reproducibilityNotes(request, this.options)]
        };
    }
    /** The version and the builder learnt beside the build, logged as prepare() logs them. */
    async settleBeside(beside, installed, platforms, build) {
        const version = installed ?? (await beside.version);
        if (version === undefined)
            throw new errors/* ActionError */.lZ('docker has no buildx plugin');
        if (installed === undefined)
            core/* info */.pq(`buildx ${version} (installed)`);
        this.version = version;
        this.builder = await builderAfterBuild(beside, this.options.driver, platforms, build);
    }
    /**
     * One throwaway build of every platform FROM the built image, on the same builder (so on
     * the native node or under the same QEMU), that records the command's output and exit code.
     */
    async smokeTest(platforms, command, image) {
        const builder = this.requireBuilder();
        const base = await smokeBase(image);
        const dir = external_node_path_default().join(this.tempDir, `smoke-${(0,external_node_crypto_.randomBytes)(4).toString('hex')}`);
        const contextDir = external_node_path_default().join(dir, 'context');
        const outDir = external_node_path_default().join(dir, 'out');
        await (0,promises_.mkdir)(contextDir, { recursive: true });
        await (0,promises_.writeFile)(external_node_path_default().join(contextDir, 'Dockerfile'), smokeDockerfile(base));
        const names = platforms.map(entry => entry.name);
        const started = performance.now();
        try {
            const smokeArgs = smokeBuildArgs(this.version, builder.name, names, base, command, contextDir, outDir);
            const result = await (0,exec/* exec */.m0)('docker', smokeArgs, {
                env: builder.env,
                silent: true,
                allowFailure: true
            });
            if (result.exitCode !== 0) {
                throw new errors/* ActionError */.lZ(`the smoke test's build failed: ${new exec/* ExecError */.cI((0,exec/* commandLine */.ay)('docker', smokeArgs), result).message}`, 'The image needs /bin/sh for the smoke test; no tag was moved');
            }
            const seconds = (performance.now() - started) / 1000;
            return await Promise.all(platforms.map(async (entry) => {
                // A one-platform local output is flat; more platforms get a folder each.
                const folder = platforms.length === 1 ? outDir : external_node_path_default().join(outDir, entry.name.replaceAll('/', '_'));
                const output = await (0,promises_.readFile)(external_node_path_default().join(folder, '.smoke-output'), 'utf8');
                const exitCode = Number.parseInt(await (0,promises_.readFile)(external_node_path_default().join(folder, '.smoke-exit'), 'utf8'), 10);
                return { platform: entry.name, exitCode, output: output.trim(), seconds };
            }));
        }
        finally {
            await (0,promises_.rm)(dir, { recursive: true, force: true });
        }
    }
    async dispose() {
        const builder = this.builder;
        this.builder = undefined;
        // Layouts written beside a push have served the checks, which ran before this.
        const layouts = this.besideLayouts.splice(0);
        await Promise.all(layouts.map(dir => (0,promises_.rm)(dir, { recursive: true, force: true })));
        if (builder !== undefined)
            await removeBuilder(builder);
    }
    requireBuilder() {
        if (this.builder === undefined)
            throw new Error('BuildxEngine.prepare() must run first');
        return this.builder;
    }
}
/**
 * BuildKit writes the index-descriptor level only into an OCI layout's index.json: refuse it
 * by name where the build writes none.
 */
function engine_refuseIndexDescriptor(request, options) {
    const refused = (0,src_annotations/* firstAt */.yI)(request.annotations, ['index-descriptor']);
    const layout = options.outputs.some(output => (0,values/* parseOutputSpec */.eR)(output).get('type') === 'oci');
    if (refused !== undefined && !layout) {
        throw new errors/* InputError */.dz(constants/* Input */.pd.Annotations, `\`${(0,src_annotations/* formatAnnotation */.tn)(refused)}\` asks for the index-descriptor level, which only an OCI layout's index.json carries, and this build writes none`, 'Use the index or manifest-descriptor level, or `push: false` with `outputs: type=oci,dest=DIR`');
    }
}
/** Reproducible images next to attestations that are not: the summary says so. */
function reproducibilityNotes(request, options) {
    if (request.sourceDateEpoch === undefined)
        return [];
    if (!timedProvenance(options.provenance, process.env))
        return [];
    return [
        `The images are reproducible (source-date-epoch ${request.sourceDateEpoch}: the same per-platform digests on every rebuild); the provenance attestations are not: they record this build's own start and finish times, so the index that holds them differs per run. Set \`provenance: false\` for a reproducible index too`
    ];
}
async function smokeBase(image) {
    switch (image.kind) {
        case 'registry':
            return { kind: 'registry', reference: `${(0,src_reference/* repositoryName */.aR)(image)}@${image.digest}` };
        case 'layout':
            return { kind: 'layout', dir: image.dir, digest: (await (0,registry_layout/* readLayout */.T4)(image.dir)).digest };
        case 'unavailable':
            throw new errors/* ActionError */.lZ(`the smoke test cannot run: ${image.reason}`);
    }
}
async function readJson(file, what) {
    let text;
    try {
        text = await (0,promises_.readFile)(file, 'utf8');
    }
    catch {
        throw new errors/* ActionError */.lZ(`buildx wrote no ${what} (${file})`);
    }
    try {
        return JSON.parse(text);
    }
    catch {
        throw new errors/* ActionError */.lZ(`the ${what} (${file}) is not JSON`);
    }
}
/** What a failed cache import or export means for this build. */
function cacheWarning(plan, failure) {
    const what = failure.direction === 'import'
        ? `cache import from ${failure.target} failed (${failure.message}); the build went on without it`
        : `cache export to ${failure.target} failed (${failure.message})`;
    if (failure.direction === 'import')
        return what;
    return plan.chosenBy === 'action'
        ? `${what}; the action's own cache never fails the build, and the next build starts with less cache`
        : `${what}; buildx decides whether that fails the build (\`ignore-error=true\` in \`cache-to\` lets it go on)`;
}

;// CONCATENATED MODULE: ./src/modes/build/engine-choice.ts







/** Why buildah cannot build: not there, or there and not running. */
function buildahMissing(facts) {
    return facts.buildahProblem === undefined
        ? 'buildah is not installed'
        : `buildah is installed but does not run (${facts.buildahProblem})`;
}
const WAYS_OUT = 'set `builder` (an existing builder) or `endpoint` (a BuildKit daemon elsewhere), start Docker before this step, or use `engine: buildah` with buildah installed (apt-get install buildah)';
/** Why buildx cannot build here, or undefined when it can. */
function buildxBlocked(facts, needPlugin) {
    if (needPlugin && facts.buildx === undefined)
        return 'docker buildx is not installed';
    if (facts.elsewhere !== undefined)
        return undefined;
    if (facts.daemon.up)
        return undefined;
    return `the Docker daemon does not answer (${facts.daemon.reason}) and neither \`builder\` nor \`endpoint\` names a builder elsewhere`;
}
function buildxReason(facts) {
    if (facts.elsewhere !== undefined)
        return `${facts.elsewhere} is given`;
    return facts.daemon.up ? `the Docker daemon ${facts.daemon.version} answers` : '';
}
/**
 * Which engine builds: pure, facts in, a choice and its reason out. `auto` takes buildx only
 * where it can build (a builder elsewhere, or a daemon that answers), else buildah, else nothing;
 * a refusal comes before QEMU or anything else is touched.
 */
function decideEngine(facts) {
    switch (facts.requested) {
        case 'buildah':
            return facts.buildah === undefined
                ? {
                    engine: undefined,
                    problem: `engine \`buildah\`: ${buildahMissing(facts)}`,
                    fix: facts.buildahProblem === undefined
                        ? 'Install it (apt-get install buildah) before this step, or use `engine: auto`'
                        : "Let it run for the runner's user (its storage configuration and folders must be readable), or use `engine: auto`"
                }
                : { engine: 'buildah', reason: 'asked for with `engine: buildah`' };
        case 'buildx': {
            // An explicit buildx may install its plugin; it still needs somewhere to build.
            const blocked = buildxBlocked(facts, false);
            if (blocked === undefined) {
                return {
                    engine: 'buildx',
                    reason: `asked for with \`engine: buildx\`; ${buildxReason(facts)}`
                };
            }
            return {
                engine: undefined,
                problem: `engine \`buildx\` cannot build here: ${blocked}`,
                fix: `Nothing was set up. To build, ${WAYS_OUT}${facts.buildah === undefined ? '' : ' (buildah is installed here)'}`
            };
        }
        case 'auto': {
            const blocked = buildxBlocked(facts, true);
            if (blocked === undefined) {
                return { engine: 'buildx', reason: `\`engine: auto\`: ${buildxReason(facts)}` };
            }
            if (facts.buildah !== undefined) {
                return {
                    engine: 'buildah',
                    reason: `\`engine: auto\`: buildah ${facts.buildah} is installed`,
                    passedOver: blocked
                };
            }
            return {
                engine: undefined,
                problem: `engine \`auto\` found no engine that can build here: ${blocked}, and ${buildahMissing(facts)}`,
                fix: `Nothing was set up. To build, ${WAYS_OUT}`
            };
        }
    }
}
/** How long the daemon has to answer: a daemon that is up answers in well under a second. */
const DAEMON_TIMEOUT_MS = 5000;
/** Whether the Docker daemon the CLI is pointed at (DOCKER_HOST, the context) answers, bounded in time. */
async function probeDaemon(timeoutMs = DAEMON_TIMEOUT_MS) {
    const args = ['version', '--format', '{{.Server.Version}}'];
    try {
        const result = await (0,exec/* execStreaming */.cp)('docker', args, {
            onLine: () => undefined,
            signal: AbortSignal.timeout(timeoutMs)
        });
        const version = result.stdout.trim();
        if (result.exitCode === 0 && version !== '')
            return { up: true, version };
        const said = result.stderr.trim().split('\n').at(-1) ?? '';
        return {
            up: false,
            reason: result.exitCode === 143 || result.exitCode === 137
                ? `\`${(0,exec/* commandLine */.ay)('docker', args)}\` gave no answer in ${timeoutMs / 1000} s`
                : `\`${(0,exec/* commandLine */.ay)('docker', args)}\` exited with code ${result.exitCode}${said === '' ? '' : `: ${said}`}`
        };
    }
    catch (error) {
        return { up: false, reason: `the docker CLI did not run (${(0,errors/* errorMessage */.gJ)(error)})` };
    }
}
/** `docker buildx version` answers: its version ('' when unreadable); undefined when it does not. */
async function buildxPlugin() {
    const result = await (0,exec/* exec */.m0)('docker', ['buildx', 'version'], {
        silent: true,
        allowFailure: true
    }).catch(() => undefined);
    if (result?.exitCode !== 0)
        return undefined;
    return parseBuildxVersion(result.stdout) ?? '';
}
async function gatherFacts(inputs) {
    const { builder, endpoint, driver } = inputs.buildx;
    const elsewhere = builder !== ''
        ? `builder \`${builder}\``
        : endpoint !== '' && driver !== 'docker'
            ? `endpoint \`${endpoint}\``
            : driver === 'kubernetes'
                ? 'driver `kubernetes`'
                : undefined;
    const wantsBuildx = inputs.engine !== 'buildah';
    const [buildx, daemon, buildah] = await Promise.all([
        // A docker CLI and plugin start, a fifth of a second: only where it decides something.
        inputs.engine === 'auto' ? buildxPlugin() : undefined,
        wantsBuildx && elsewhere === undefined
            ? probeDaemon()
            : { up: false, reason: 'not asked' },
        inputs.engine === 'buildx' ? undefined : BuildahEngine.detect()
    ]);
    return {
        requested: inputs.engine,
        elsewhere,
        buildx,
        daemon,
        buildah: typeof buildah === 'string' ? buildah : undefined,
        ...(typeof buildah === 'object' ? { buildahProblem: buildah.problem } : {})
    };
}
/**
 * Pick the engine before anything is set up: the decision above, on facts read from this
 * runner. A refusal names the ways out; choosing buildah under `auto` says why buildx was not.
 */
async function selectEngine(inputs, group) {
    const facts = await gatherFacts(inputs);
    core/* debug */.Yz(`engine facts: ${JSON.stringify(facts)}`);
    const decision = decideEngine(facts);
    if (decision.engine === undefined)
        throw new errors/* ActionError */.lZ(decision.problem, decision.fix);
    core/* debug */.Yz(`engine ${decision.engine}: ${decision.reason}`);
    if (decision.engine === 'buildx')
        return new BuildxEngine(inputs.buildx, group);
    if (decision.passedOver !== undefined) {
        core/* info */.pq(`building with buildah ${facts.buildah ?? ''}: buildx was passed over because ${decision.passedOver}`);
    }
    refuseBuildxOnlyInputs(inputs);
    return new BuildahEngine(facts.buildah ?? 'unknown', group);
}
/** A buildx-only input that buildah would silently ignore is refused by name instead. */
function refuseBuildxOnlyInputs(inputs) {
    const ignored = inputs.customised.filter(name => constants/* BUILDX_ONLY_INPUTS */.qc.includes(name));
    const [first] = ignored;
    if (first !== undefined) {
        throw new errors/* InputError */.dz(first, 'is honoured by the buildx engine only, and this step builds with buildah', 'Set `engine: buildx` on a runner with docker buildx, or remove the input');
    }
}

;// CONCATENATED MODULE: ./src/modes/build/progress.ts



/** `buildah 1.28.2` from the engine's metadata. */
function engineLabel(metadata, name) {
    const version = metadata.version;
    return typeof version === 'string' ? `${name} ${version}` : name;
}
/** What to try next, from what failed. */
function nextSteps(progress, failure) {
    const steps = [];
    for (const result of progress.verification.filter(entry => entry.status === 'failed')) {
        const [first] = result.mismatches;
        if (first === undefined)
            continue;
        steps.push(`${result.platform} holds \`${first.path}\` built for ${first.found}: build it FROM a base image of ${result.platform}, or cross-compile for it; if it is meant to be foreign, list its path in \`verify-arch-allow\``);
    }
    for (const outcome of progress.record.smoke.filter(entry => !entry.passed)) {
        steps.push(`The smoke test failed on ${outcome.platform}; reproduce it in that image (under QEMU: \`qemu-user-static\`) before pushing again`);
    }
    if (/exec format error/i.test(failure)) {
        steps.push('`exec format error`: no QEMU handler ran a foreign binary; keep `qemu: auto` or register QEMU before this step');
    }
    if (/registry \S+:/.test(failure) && steps.length === 0) {
        steps.push('Check that the registry is reachable from the runner and that `username`/`password` may push there');
    }
    return steps;
}
function linkFor(progress, digest) {
    const [tag] = progress.tags;
    // Only a pushed image has a page to link to.
    return tag === undefined || digest === undefined || progress.record.pushed === undefined
        ? undefined
        : (0,summary/* registryWebLink */.ii)(tag.registry, tag.repository, digest);
}
function summaryOf(progress, plan, error) {
    const failure = error === undefined ? undefined : (0,errors/* errorMessage */.gJ)(error);
    const digests = (progress.record.pushed ?? progress.record.result)?.digests ?? {};
    const rows = plan.map(entry => {
        const build = progress.builds.find(item => item.platform === entry.name);
        const verification = progress.verification.find(item => item.platform === entry.name);
        const smoke = progress.record.smoke.find(item => item.platform === entry.name);
        return {
            platform: entry.name,
            emulated: entry.emulated,
            ...(progress.probed.includes(entry.name) ? { runsNote: 'probed' } : {}),
            digest: digests[entry.name],
            link: linkFor(progress, digests[entry.name]),
            layers: verification?.layers,
            bytes: verification?.bytes,
            buildSeconds: build?.seconds,
            archCheck: (0,summary/* archCheckOf */.q$)(verification),
            smokeTest: smoke === undefined
                ? { status: 'skipped' }
                : {
                    status: smoke.passed ? 'passed' : 'failed',
                    seconds: smoke.seconds,
                    ...(smoke.passed ? {} : { output: smoke.output })
                }
        };
    });
    return {
        title: progress.tags[0] === undefined ? 'Multi-arch build' : (0,src_reference/* repositoryName */.aR)(progress.tags[0]),
        engine: progress.engine,
        indexDigest: (progress.record.pushed ?? progress.record.result)?.digest,
        tags: progress.tags.map(src_reference/* formatReference */.FH),
        rows,
        failure,
        nextSteps: failure === undefined ? [] : nextSteps(progress, failure),
        notes: [...progress.notes, ...progress.record.skipped.map(note => `Skipped the ${note}`)],
        ...(progress.record.comparison === undefined ? {} : { comparison: progress.record.comparison })
    };
}

// EXTERNAL MODULE: ./src/verify/image.ts + 6 modules
var verify_image = __webpack_require__(2046);
// EXTERNAL MODULE: ./src/registry/readback.ts
var readback = __webpack_require__(7968);
// EXTERNAL MODULE: ./src/verify/sources.ts
var sources = __webpack_require__(4855);
;// CONCATENATED MODULE: ./src/publish/result-image.ts
/** The built image as the checks and the push see it, whichever engine built it and wherever it is. */





/** One platform's image of the OCI layout in `dir`: its layers read from the layout's files. */
function layoutPlatformImage(dir, platform, layers) {
    return {
        platform,
        layers,
        open: digest => Promise.resolve((0,external_node_fs_.createReadStream)((0,registry_layout/* blobPath */.nD)(dir, digest)))
    };
}
/**
 * Read the result: from its OCI layout on disk, or streamed from the repository it was pushed
 * to (its layers from a local copy where the engine left one).
 */
async function openResult(image, planned, pool) {
    if (image.kind === 'unavailable') {
        throw new errors/* ActionError */.lZ(`the built image cannot be read: ${image.reason}`);
    }
    if (image.kind === 'layout') {
        const local = await (0,registry_layout/* readLayout */.T4)(image.dir);
        const facts = (0,readback/* imageFacts */.JC)(local.digest, local.mediaType, local.bytes, planned);
        const platformOf = new Map(Object.entries(facts.digests).map(([platform, digest]) => [digest, platform]));
        const platforms = [];
        for (const manifest of local.manifests) {
            const platform = platformOf.get(manifest.digest);
            if (platform === undefined || manifest.attestation)
                continue;
            platforms.push(layoutPlatformImage(local.dir, platform, manifest.layers));
        }
        return { ...facts, bytes: local.bytes, platforms, local };
    }
    const client = await pool.get(image.registry);
    const top = await client.getManifest({ ...image });
    if (top.digest !== image.digest) {
        throw new errors/* ActionError */.lZ(`${image.registry}/${image.repository}@${image.digest} is served as ${top.digest}`);
    }
    const facts = (0,readback/* imageFacts */.JC)(top.digest, top.mediaType, top.raw, planned);
    // The top manifest comes from the registry, which confirms the push; what it names, from
    // the layout the same build wrote where there is one: the same digests, read from disk.
    const platforms = await (0,sources/* registryPlatformImages */.l)(client, image.registry, image.repository, Object.entries(facts.digests).map(([platform, digest]) => ({ platform, digest })), image.localCopy === undefined ? undefined : (0,sources/* localBlobs */.u)(image.localCopy));
    return { ...facts, bytes: top.raw, platforms, local: undefined };
}

// EXTERNAL MODULE: ./src/registry/publish.ts
var registry_publish = __webpack_require__(5328);
;// CONCATENATED MODULE: ./src/modes/build/steps.ts
/** The real effects behind the publish pipeline in build mode: registry, layout, engine. */








function buildSteps(engine, pool, settings, 
/** Filled as platforms are checked, for the summary. */
verification, 
/** The run's layer scans, some perhaps started as the engine wrote each platform. */
scans) {
    const platforms = settings.plan.map(entry => entry.platform);
    return {
        open: image => openResult(image, platforms, pool),
        report: line => {
            core/* info */.pq(line);
        },
        verify: async (images) => {
            await (0,verify_image/* verifyPlatforms */.K)(images, settings.verifyArch, settings.verifyArchAllow, verification, false, scans);
        },
        smokeTest: async (image) => {
            const results = await engine.smokeTest(settings.plan, settings.smokeTest, image);
            for (const result of results) {
                const entry = settings.plan.find(planned => planned.name === result.platform);
                core/* info */.pq(`${result.platform}${entry?.emulated ? ' (emulated)' : ''}: exit ${result.exitCode} in ${result.seconds.toFixed(1)} s; its output:`);
                // The image wrote it: printed inside the fence, never read as a workflow command.
                (0,untrusted/* untrusted */.b)(result.output.slice(0, 2000));
            }
            return results;
        },
        pushByDigest: async (result, image) => {
            if (result.local !== undefined)
                await (0,registry_publish/* pushByDigest */.yw)(result.local, settings.tags, pool);
            else if (image.kind === 'registry')
                await (0,registry_publish/* copyByDigest */.Jm)(image, settings.tags, pool);
            else
                throw new errors/* ActionError */.lZ('the built image has neither a layout nor a registry copy');
        },
        moveTags: result => (0,registry_publish/* moveTags */.Fu)(result, settings.tags, pool),
        readBack: async () => {
            const pushed = await (0,readback/* readBack */.e7)(settings.tags, settings.plan.map(entry => entry.platform), pool);
            core/* info */.pq(`digest: ${pushed.digest}`);
            for (const [platform, digest] of Object.entries(pushed.digests)) {
                core/* info */.pq(`${platform}: ${digest}`);
            }
            return pushed;
        }
    };
}
/**
 * Start the architecture check on one platform's image in the OCI layout the engine wrote
 * for it alone, while the other platforms still build; settles once its layers are read.
 * The check proper takes these scans up by layer digest, and reports and judges them; a
 * part that cannot be read here is simply read again there.
 */
function checkAsWritten(scans) {
    return async (platform, dir) => {
        try {
            const local = await (0,registry_layout/* readLayout */.T4)(dir);
            const [manifest, ...others] = local.manifests;
            if (manifest === undefined || others.length > 0 || manifest.attestation)
                return;
            const { layerScans } = scans.start(layoutPlatformImage(dir, platform.name, manifest.layers));
            await Promise.allSettled(layerScans);
            core/* debug */.Yz(`${platform.name}: its layers were read for the check as its image was written`);
        }
        catch (error) {
            core/* debug */.Yz(`${platform.name}: the check starts after the build (${(0,errors/* errorMessage */.gJ)(error)})`);
        }
    };
}

;// CONCATENATED MODULE: ./src/modes/build/run.ts
























/**
 * `mode: build`: plan -> QEMU -> engine -> the publish pipeline (check, smoke test, push by
 * digest, tags, read-back) -> outputs.
 */
async function runBuild(inputs, host) {
    // Inputs that can be wrong are checked before anything runs, the probe included.
    const { context, file } = await resolvePaths(inputs);
    const sourceDateEpoch = await (0,source_date_epoch/* resolveSourceDateEpoch */.BL)(inputs.sourceDateEpoch, context);
    if (sourceDateEpoch !== undefined) {
        core/* info */.pq(`source-date-epoch: ${sourceDateEpoch} (${new Date(sourceDateEpoch * 1000).toISOString()}${inputs.sourceDateEpoch?.kind === 'commit' ? ", HEAD's commit time" : ''}${inputs.sourceDateEpoch?.from === 'environment' ? ', from SOURCE_DATE_EPOCH' : ''})`);
    }
    const logins = (0,src_login/* loginsFrom */.pD)(inputs);
    const tempDir = await (0,state/* runTempDir */.jI)();
    const arm32 = await arm32Natively(inputs, host, tempDir);
    const plan = (0,src_plan/* planBuild */.C7)(inputs.platforms, host, { arm32OnArm64: arm32.native });
    core/* debug */.Yz(`plan on ${(0,src_platform/* formatPlatform */.Bq)(host)}: ${plan.map(entry => `${entry.name} ${entry.emulated ? 'emulated (QEMU)' : 'native'}`).join(', ')}${arm32.note === undefined ? '' : `; ${arm32.note}`}`);
    // A fan-out leg leaves its platform under `<tag>-<slug>` for the merge; no final tag moves.
    const [legPlatform] = plan;
    const finalTags = inputs.pushByDigest && legPlatform !== undefined
        ? inputs.tags.map(tag => (0,src_plan/* legTag */.NO)(tag, legPlatform.platform))
        : inputs.tags;
    for (const login of logins)
        (0,src_login/* maskCredentials */.Bs)(login.credentials);
    for (const secret of inputs.secrets)
        core/* setSecret */.Pq(secret.value);
    // The engine is chosen first: a runner where nothing can build is refused before QEMU is touched.
    const engine = await selectEngine(inputs, core/* group */.Os);
    const qemu = await core/* group */.Os('Set up QEMU', async () => {
        const reports = await setupQemu(plan, {
            choice: inputs.qemu,
            platforms: inputs.qemuPlatforms,
            allowInstall: inputs.qemuInstall
        });
        for (const report of reports)
            core/* info */.pq(describeOutcome(report));
        const found = await qemuVersion(reports);
        if (found !== undefined)
            core/* info */.pq(`QEMU ${found.version} (${found.interpreter})`);
        return found;
    });
    // Layers already read by the time the check runs are not read again.
    const scans = new verify_image/* LayerScans */.Y(inputs.verifyArchAllow);
    const request = {
        platforms: plan,
        context,
        file,
        tags: finalTags,
        labels: inputs.labels,
        annotations: inputs.annotations,
        buildArgs: inputs.buildArgs,
        secrets: inputs.secrets,
        target: inputs.target,
        noCache: inputs.noCache,
        pull: inputs.pull,
        push: inputs.push,
        // The comparison and the index annotations need the result where the action can read it.
        keepForChecks: inputs.verifyArch !== 'off' ||
            inputs.smokeTest !== '' ||
            inputs.expectDigests !== undefined ||
            inputs.annotations.some(annotation => annotation.level !== 'manifest'),
        cacheFrom: inputs.cacheFrom,
        cacheTo: inputs.cacheTo,
        logins,
        tempDir,
        maxParallelism: inputs.maxParallelism,
        sourceDateEpoch,
        buildPlatform: host,
        ...(inputs.verifyArch === 'off' ? {} : { onPlatformLayout: checkAsWritten(scans) })
    };
    const forget = (0,cancel/* onCancel */.Ao)(() => engine.dispose());
    // One client per registry for the whole run: push, read-back and check share connections and tokens.
    const pool = new registry_pool/* RegistryPool */.y(registry => (0,src_login/* credentialsFor */.Og)(registry, logins), core/* info */.pq);
    const progress = {
        engine: engineLabel({ version: engine.version || undefined }, engine.name),
        tags: finalTags,
        builds: [],
        verification: [],
        record: emptyRecord(),
        notes: [
            ...(arm32.note === undefined ? [] : [arm32.note]),
            ...(qemu === undefined ? [] : [`QEMU ${qemu.version}`])
        ],
        probed: arm32.note === undefined
            ? []
            : plan.filter(entry => entry.platform.architecture === 'arm').map(entry => entry.name)
    };
    let image;
    try {
        try {
            await core/* group */.Os('Set up the builder', () => engine.prepare(request));
        }
        finally {
            // Known once prepare() found or installed it, also when the builder then failed.
            progress.engine = engineLabel({ version: engine.version || undefined }, engine.name);
        }
        const result = await engine.build(request);
        image = result.image;
        progress.engine = engineLabel(result.metadata, engine.name);
        progress.builds = result.builds;
        progress.notes.push(...(result.notes ?? []));
        const steps = buildSteps(engine, pool, {
            plan,
            tags: finalTags,
            smokeTest: inputs.smokeTest,
            verifyArch: inputs.verifyArch,
            verifyArchAllow: inputs.verifyArchAllow
        }, progress.verification, scans);
        const record = await publish(result.image, {
            platforms: plan,
            push: inputs.push,
            verifyArch: inputs.verifyArch,
            smokeTest: inputs.smokeTest,
            smokeTestExpect: inputs.smokeTestExpect,
            expectDigests: inputs.expectDigests
        }, steps, core/* group */.Os, progress.record);
        if (!inputs.push)
            reportLocal(record);
        if (inputs.pushByDigest && record.pushed !== undefined) {
            await core/* group */.Os('Leave a record for the merge', () => leaveLegRecord(progress, plan, finalTags, pool));
        }
        await (0,summary/* writeBuildSummary */.S4)(summaryOf(progress, plan, undefined));
        const described = record.pushed ?? record.result;
        const emulated = plan.filter(entry => entry.emulated).map(entry => entry.name);
        (0,outputs/* writeOutputs */.K)({
            [constants/* Output */.k7.Digest]: described?.digest,
            [constants/* Output */.k7.Digests]: described === undefined ? undefined : JSON.stringify(described.digests),
            [constants/* Output */.k7.Attestations]: described === undefined ? undefined : JSON.stringify(described.attestations),
            [constants/* Output */.k7.Manifest]: record.pushed?.manifest ?? record.result?.bytes.toString('utf8'),
            [constants/* Output */.k7.Images]: record.pushed?.images.join('\n'),
            [constants/* Output */.k7.ImageId]: result.imageId,
            [constants/* Output */.k7.Metadata]: JSON.stringify({
                ...result.metadata,
                ...(qemu === undefined ? {} : { qemu: qemu.version }),
                builds: result.builds,
                smoke: record.smoke,
                attestations: described?.attestations ?? {},
                skipped: record.skipped,
                ...(sourceDateEpoch === undefined ? {} : { sourceDateEpoch }),
                ...(record.comparison === undefined ? {} : { expectDigests: record.comparison }),
                ...(0,docker_metadata/* dockerMetadataKeys */.Ok)(record.pushed === undefined
                    ? record.result
                    : { ...record.pushed, bytes: record.pushed.manifest }, finalTags.map(src_reference/* formatReference */.FH), result.dockerKeys ?? {})
            }),
            [constants/* Output */.k7.Emulated]: emulated.join(',')
        });
    }
    catch (error) {
        await (0,summary/* writeBuildSummary */.S4)(summaryOf(progress, plan, error)).catch(() => undefined);
        throw error;
    }
    finally {
        // Every step runs, and none of them replaces the error that failed the build.
        await (0,cancel/* cleanUp */.nY)([
            ['closing registry connections', () => pool.close()],
            [
                'the engine',
                async () => {
                    forget();
                    await engine.dispose();
                }
            ],
            [
                "removing the action's OCI layout",
                async () => {
                    // A layout of the action's own can be as large as the image; it has served its purpose.
                    if (image?.kind === 'layout' && image.temporary) {
                        await (0,promises_.rm)(image.dir, { recursive: true, force: true });
                    }
                }
            ]
        ]);
    }
}
/** What this leg knew, next to its image in each tag's repository (see leg-record.ts). */
async function leaveLegRecord(progress, plan, tags, pool) {
    const pushed = progress.record.pushed;
    const [leg] = plan;
    if (pushed === undefined || leg === undefined)
        return;
    const verification = progress.verification.find(entry => entry.platform === leg.name);
    const record = {
        platform: leg.name,
        digest: pushed.digest,
        emulated: leg.emulated,
        probed: progress.probed.includes(leg.name),
        runner: (0,leg_record/* runnerName */.iC)(process.env),
        engine: progress.engine,
        buildSeconds: progress.builds.find(build => build.platform === leg.name)?.seconds,
        archCheck: verification?.status ?? 'skipped',
        layers: verification?.layers,
        bytes: verification?.bytes
    };
    const subject = {
        digest: pushed.digest,
        mediaType: pushed.mediaType,
        raw: Buffer.from(pushed.manifest)
    };
    const done = new Set();
    for (const tag of tags) {
        const key = `${tag.registry}/${tag.repository}`;
        if (done.has(key))
            continue;
        done.add(key);
        try {
            const client = await pool.get(tag.registry);
            const written = await (0,leg_record/* writeLegRecord */.TN)(client, tag.repository, record, subject);
            core/* info */.pq(`${key}:${written}: ${JSON.stringify(record)}`);
        }
        catch (error) {
            // The image is published; only the merge's summary loses this leg's facts.
            core/* warning */.$e(`could not leave the leg record in ${key} (${(0,errors/* errorMessage */.gJ)(error)}); the merge's summary will show ${leg.name} without them`);
        }
    }
}
/**
 * Whether this runner runs 32-bit Arm natively: `true`/`false` say so; `auto` runs the probe
 * when an arm/v7 or arm/v6 platform is planned, and says what it found.
 */
async function arm32Natively(inputs, host, tempDir) {
    if (inputs.nativeArm32 !== 'auto')
        return { native: inputs.nativeArm32 === 'true' };
    const arm32 = inputs.platforms.filter(platform => platform.architecture === 'arm');
    if (arm32.length === 0 || host.architecture === 'arm')
        return { native: false };
    return core/* group */.Os('Probe 32-bit Arm', async () => {
        const verdict = await probeArm32(tempDir);
        const native = verdict.native && host.architecture === 'arm64';
        const names = arm32.map(src_platform/* formatPlatform */.Bq).join(', ');
        const note = native
            ? `32-bit Arm probe: this ${host.architecture} runner runs it natively (${verdict.detail}), so ${names} build without QEMU`
            : `32-bit Arm probe: this ${host.architecture} runner does not run it natively (${verdict.detail}), so ${names} build under QEMU`;
        core/* info */.pq(note);
        return { native, note };
    });
}
/** Without a push, say plainly what the checks saw of the local result and what they skipped. */
function reportLocal(record) {
    const ran = [];
    if (record.result !== undefined &&
        !record.skipped.some(note => note.startsWith('architecture'))) {
        ran.push('architecture check');
    }
    if (record.smoke.length > 0)
        ran.push('smoke test');
    core/* notice */.lm([
        '`push` is false: nothing was pushed and no tag moved.',
        ran.length > 0 ? `Ran on the local result: ${ran.join(', ')}.` : 'No check ran.',
        ...record.skipped.map(note => `Skipped ${note}.`),
        record.result === undefined
            ? '`digest`, `digests` and `manifest` stay empty.'
            : '`digest`, `digests` and `manifest` describe the local result; `images` stays empty.'
    ].join(' '));
}
/**
 * The context and Dockerfile, resolved against the workspace (symlinks followed) and
 * required to stay inside it: a build step has no business reading the runner's files.
 */
async function resolvePaths(inputs) {
    const workspace = await (0,promises_.realpath)(process.env.GITHUB_WORKSPACE ?? process.cwd());
    const context = await insideWorkspace(constants/* Input */.pd.Context, inputs.context, workspace, 'directory');
    const file = await insideWorkspace(constants/* Input */.pd.File, inputs.file === '' ? external_node_path_default().join(context, 'Dockerfile') : inputs.file, workspace, 'file');
    return { context, file };
}
async function insideWorkspace(input, given, workspace, kind) {
    let resolved;
    try {
        resolved = await (0,promises_.realpath)(external_node_path_default().resolve(workspace, given));
    }
    catch {
        throw new errors/* InputError */.dz(input, `\`${given}\` does not exist in the workspace`, input === constants/* Input */.pd.File
            ? 'Give the path of the Dockerfile (default: <context>/Dockerfile)'
            : 'Give a directory of the checked-out repository');
    }
    const relative = external_node_path_default().relative(workspace, resolved);
    if (relative.startsWith('..') || external_node_path_default().isAbsolute(relative)) {
        throw new errors/* InputError */.dz(input, `\`${given}\` is outside the workspace (${workspace})`, 'Give a path inside the checked-out repository');
    }
    const stats = await (0,promises_.stat)(resolved);
    if (kind === 'directory' ? !stats.isDirectory() : !stats.isFile()) {
        throw new errors/* InputError */.dz(input, `\`${given}\` is not a ${kind}`);
    }
    return resolved;
}


/***/ })

};
