export const id = 54;
export const ids = [54];
export const modules = {

/***/ 7729:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   K: () => (/* binding */ writeOutputs)
/* harmony export */ });
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3838);

/**
 * Write every output at once, at the very end, so a failed step writes none.
 * `core.setOutput` uses a random heredoc delimiter, so values cannot forge extra lines.
 */
function writeOutputs(outputs) {
    for (const [name, value] of Object.entries(outputs)) {
        if (value !== undefined)
            _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .setOutput */ .uH(name, value);
    }
}


/***/ }),

/***/ 2464:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   C7: () => (/* binding */ planBuild),
/* harmony export */   NO: () => (/* binding */ legTag),
/* harmony export */   T4: () => (/* binding */ planMatrix)
/* harmony export */ });
/* unused harmony exports GITHUB_X64_RUNNER, GITHUB_ARM64_RUNNER, MAX_MATRIX_LEGS, RUNNER_SETS, runnerHost */
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3916);
/* harmony import */ var _platform_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3728);


/** Which platforms this host builds natively and which under QEMU, in the order given. */
function planBuild(platforms, host, options) {
    const wanted = platforms.length === 0 ? [host] : platforms;
    return wanted.map(platform => ({
        platform,
        name: (0,_platform_js__WEBPACK_IMPORTED_MODULE_1__/* .formatPlatform */ .Bq)(platform),
        slug: (0,_platform_js__WEBPACK_IMPORTED_MODULE_1__/* .platformSlug */ .DN)(platform),
        emulated: !(0,_platform_js__WEBPACK_IMPORTED_MODULE_1__/* .runsNatively */ .PU)(host, platform, options)
    }));
}
const GITHUB_X64_RUNNER = 'ubuntu-24.04';
const GITHUB_ARM64_RUNNER = 'ubuntu-24.04-arm';
/** GitHub rejects a job matrix with more legs than this. */
const MAX_MATRIX_LEGS = 256;
/**
 * Native runner families beyond GitHub's own, by platform: IBM's GitHub app offers s390x
 * and ppc64le runners to open-source projects, RISE riscv64 ones. Switched on by `runner-sets`.
 */
const RUNNER_SETS = {
    ibm: { 'linux/s390x': 'ubuntu-24.04-s390x', 'linux/ppc64le': 'ubuntu-24.04-ppc64le' },
    rise: { 'linux/riscv64': 'ubuntu-24.04-riscv' }
};
/**
 * The platform a runner label runs natively, where the label tells: GitHub's hosted
 * Ubuntu labels and the runner sets' do. Self-hosted labels do not; for those, undefined.
 */
function runnerHost(label) {
    const lower = label.toLowerCase();
    if (/^ubuntu-[\w.]+-arm$/.test(lower) || /(^|-)arm64($|-)/.test(lower)) {
        return (0,_platform_js__WEBPACK_IMPORTED_MODULE_1__/* .parsePlatform */ .FL)('linux/arm64');
    }
    if (/^ubuntu-[\w.]+-s390x$/.test(lower))
        return (0,_platform_js__WEBPACK_IMPORTED_MODULE_1__/* .parsePlatform */ .FL)('linux/s390x');
    if (/^ubuntu-[\w.]+-ppc64le$/.test(lower))
        return (0,_platform_js__WEBPACK_IMPORTED_MODULE_1__/* .parsePlatform */ .FL)('linux/ppc64le');
    if (/^ubuntu-[\w.]+-riscv(64)?$/.test(lower))
        return (0,_platform_js__WEBPACK_IMPORTED_MODULE_1__/* .parsePlatform */ .FL)('linux/riscv64');
    if (/^ubuntu-/.test(lower))
        return (0,_platform_js__WEBPACK_IMPORTED_MODULE_1__/* .parsePlatform */ .FL)('linux/amd64');
    return undefined;
}
/**
 * One leg per platform for `strategy.matrix`, each on a runner that executes it natively
 * where one exists. Maintainer entries win, then the runner sets, then GitHub's own labels;
 * a self-hosted label mapped to a platform is taken to run that platform natively, and an
 * unknown `default` label to be x86-64.
 */
function planMatrix(platforms, runners, options) {
    if (platforms.length > MAX_MATRIX_LEGS) {
        throw new Error(`${platforms.length} platforms make more matrix legs than GitHub allows (${MAX_MATRIX_LEGS})`);
    }
    const amd64 = (0,_platform_js__WEBPACK_IMPORTED_MODULE_1__/* .parsePlatform */ .FL)('linux/amd64');
    // For the plan, `auto` expects the arm64 runner to run 32-bit Arm; the leg makes sure.
    const native = { arm32OnArm64: options.arm32 !== 'false' };
    const fromSets = Object.assign({}, ...options.runnerSets.map(set => RUNNER_SETS[set]));
    const include = platforms.map((platform) => {
        const name = (0,_platform_js__WEBPACK_IMPORTED_MODULE_1__/* .formatPlatform */ .Bq)(platform);
        const mapped = runners.byPlatform[name] ?? fromSets[name];
        let runner;
        let emulated;
        if (mapped !== undefined) {
            const host = runnerHost(mapped);
            runner = mapped;
            emulated = host !== undefined && !(0,_platform_js__WEBPACK_IMPORTED_MODULE_1__/* .runsNatively */ .PU)(host, platform, native);
        }
        else {
            const nativeDefault = [GITHUB_X64_RUNNER, GITHUB_ARM64_RUNNER].find(label => (0,_platform_js__WEBPACK_IMPORTED_MODULE_1__/* .runsNatively */ .PU)(runnerHost(label) ?? amd64, platform, native));
            runner = nativeDefault ?? runners.fallback ?? GITHUB_X64_RUNNER;
            emulated = !(0,_platform_js__WEBPACK_IMPORTED_MODULE_1__/* .runsNatively */ .PU)(runnerHost(runner) ?? amd64, platform, native);
        }
        const probed = options.arm32 === 'auto' &&
            platform.architecture === 'arm' &&
            runnerHost(runner)?.architecture === 'arm64';
        return {
            platform: name,
            runner,
            emulated,
            slug: (0,_platform_js__WEBPACK_IMPORTED_MODULE_1__/* .platformSlug */ .DN)(platform),
            ...(probed ? { probe: true } : {})
        };
    });
    return { include };
}
/** The per-platform tag a build leg leaves for the merge: `<tag>-<platform-slug>`. */
function legTag(tag, platform) {
    const name = `${tag.tag ?? 'latest'}-${(0,_platform_js__WEBPACK_IMPORTED_MODULE_1__/* .platformSlug */ .DN)(platform)}`;
    if (name.length > 128) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ActionError */ .lZ(`the per-platform tag \`${name}\` is longer than 128 characters`);
    }
    return { registry: tag.registry, repository: tag.repository, tag: name };
}


/***/ }),

/***/ 8855:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   S4: () => (/* binding */ writeBuildSummary),
/* harmony export */   ii: () => (/* binding */ registryWebLink),
/* harmony export */   nI: () => (/* binding */ writeMatrixSummary),
/* harmony export */   q$: () => (/* binding */ archCheckOf)
/* harmony export */ });
/* unused harmony exports appendSummary, renderBuildSummary, formatBytes */
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3838);
/**
 * The job summary: what a person glancing at the run page needs. Rendering is pure (tested as
 * text); writing is a thin shell that appends it to GITHUB_STEP_SUMMARY.
 */

/** A platform's architecture check as its row shows it: the status and the first mismatch. */
function archCheckOf(verification) {
    if (verification === undefined)
        return { status: 'skipped' };
    const [mismatch] = verification.mismatches;
    return {
        status: verification.status,
        ...(mismatch === undefined ? {} : { detail: `${mismatch.path} is ${mismatch.found}` })
    };
}
/** Characters at most shown of a smoke test's output inside a table cell. */
const SMOKE_OUTPUT_LIMIT = 200;
/** Characters at most shown of the step's error. */
const FAILURE_LIMIT = 4000;
/** Chart height in pixels: axes and margins, then one band per bar. */
const CHART_BASE_HEIGHT = 90;
const CHART_BAR_HEIGHT = 44;
const CHART_BAR_COLOUR = '#80ccff';
const CHART_LABEL_COLOUR = '#1f2328';
const GRAPHEMES = new Intl.Segmenter('en', { granularity: 'grapheme' });
/** The job summary exists only on a runner (or a harness) that names the file. */
function summaryAvailable() {
    return (process.env.GITHUB_STEP_SUMMARY ?? '') !== '';
}
/**
 * Append Markdown (with inline HTML) and a line break to the job summary through
 * @actions/core, so that what the next step appends starts a block of its own; a no-op off a
 * runner.
 */
async function appendSummary(markdown) {
    if (!summaryAvailable())
        return;
    await _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .summary */ .z.addRaw(markdown, true).write();
}
async function writeMatrixSummary(matrix) {
    if (!summaryAvailable())
        return;
    const row = (cells, tag) => `<tr>${cells.map(cell => `<${tag}>${cell}</${tag}>`).join('')}</tr>`;
    await appendSummary([
        '<h3>Multi-arch build matrix</h3>',
        `<table>${row(['Platform', 'Runner', 'Runs'], 'th')}${matrix.include
            .map(leg => row([code(leg.platform), code(leg.runner), leg.emulated ? 'emulated (QEMU)' : 'native'], 'td'))
            .join('')}</table>`
    ].join('\n'));
}
/** Append the build summary to the job summary; a no-op off a runner. */
async function writeBuildSummary(summary) {
    if (!summaryAvailable())
        return;
    await appendSummary(renderBuildSummary(summary));
}
/** The summary as GitHub-flavoured Markdown with inline HTML, ending in a newline. */
function renderBuildSummary(summary) {
    const blocks = [
        `### ${inline(summary.title)}`,
        statusLine(summary),
        ...failureDetails(summary.failure),
        imageLines(summary),
        ...platformTable(summary.rows),
        ...comparisonTable(summary.comparison),
        ...notesList(summary.notes ?? []),
        ...buildTimeChart(summary.rows),
        ...nextStepsList(summary.nextSteps),
        ...fullDigests(summary.rows)
    ];
    return `${blocks.join('\n\n')}\n`;
}
function statusLine(summary) {
    const emulated = summary.rows.filter(row => row.emulated).length;
    const platforms = `${plural(summary.rows.length, 'platform')}${emulated > 0 ? ` (${emulated} emulated)` : ''}`;
    const warnings = summary.rows.filter(row => row.archCheck.status === 'warned').length;
    const facts = [
        ...(summary.rows.length === 0 ? [] : [platforms]),
        ...(summary.engine === '' ? [] : [inline(summary.engine)]),
        ...(warnings > 0 ? [`⚠️ ${plural(warnings, 'warning')}`] : [])
    ];
    if (summary.failure !== undefined) {
        return `❌ **Failed**: ${prose(firstLine(summary.failure))}<br>\n${facts.join(' · ')}`;
    }
    const verb = summary.indexDigest === undefined ? 'Built' : 'Built and pushed';
    return `✅ **${verb}** · ${facts.join(' · ')}`;
}
/** The whole error, when it has more than the line the status shows. */
function failureDetails(failure) {
    if (failure === undefined)
        return [];
    const text = failure.replace(/\r\n?/g, '\n').trim();
    if (!text.includes('\n'))
        return [];
    return [
        '<details><summary>Full error</summary>',
        `<pre>\n${escapeMarkdown(truncate(stripAnsi(text), FAILURE_LIMIT))}\n</pre>`,
        '</details>'
    ];
}
function imageLines(summary) {
    const index = summary.indexDigest === undefined ? '— (not pushed)' : code(summary.indexDigest);
    const tags = summary.tags.length === 0 ? '—' : summary.tags.map(tag => code(tag)).join(' ');
    return `**Index digest**: ${index}<br>\n**Tags**: ${tags}`;
}
function platformTable(rows) {
    if (rows.length === 0)
        return [];
    const header = [
        '| Platform | Runs | Digest | Layers | Size | Arch&nbsp;check | Smoke&nbsp;test | Build&nbsp;time |',
        '| --- | --- | --- | ---: | ---: | --- | --- | ---: |'
    ];
    const body = rows.map(row => `| ${[
        code(row.platform),
        runsCell(row),
        digestCell(row),
        row.layers === undefined ? '—' : String(row.layers),
        row.bytes === undefined ? '—' : unbroken(formatBytes(row.bytes)),
        archCheckCell(row.archCheck),
        smokeTestCell(row.smokeTest),
        row.buildSeconds === undefined ? '—' : formatSeconds(row.buildSeconds)
    ].join(' | ')} |`);
    return [[...header, ...body].join('\n')];
}
/** The rebuild check: every platform of either side, with both digests in full. */
function comparisonTable(rows) {
    if (rows === undefined)
        return [];
    const differ = rows.filter(row => !row.match).length;
    const heading = differ === 0
        ? `#### Rebuild check: all ${plural(rows.length, 'platform')} match \`expect-digests\``
        : `#### Rebuild check: ${differ} of ${plural(rows.length, 'platform')} differ from \`expect-digests\``;
    const cell = (digest) => (digest === undefined ? '—' : code(digest));
    return [
        heading,
        [
            '| Platform | Expected | Built | Match |',
            '| --- | --- | --- | --- |',
            ...rows.map(row => `| ${code(row.platform)} | ${cell(row.expected)} | ${cell(row.built)} | ${row.match ? '✅' : '❌'} |`)
        ].join('\n')
    ];
}
function runsCell(row) {
    const runs = row.emulated === undefined ? 'unknown' : row.emulated ? 'emulated&nbsp;(QEMU)' : 'native';
    const details = [row.runner, row.runsNote].filter(detail => detail !== undefined);
    return details.length === 0
        ? runs
        : `${runs}<br><sub>${details.map(detail => inline(detail)).join(' · ')}</sub>`;
}
function notesList(notes) {
    return notes.length === 0 ? [] : [notes.map(note => `- ${prose(note)}`).join('\n')];
}
function digestCell(row) {
    if (row.digest === undefined)
        return '—';
    const short = code(shortDigest(row.digest));
    if (row.link === undefined || !/^https?:\/\//i.test(row.link))
        return short;
    return `<a href="${escapeHtml(row.link)}">${short}</a>`;
}
function archCheckCell(check) {
    const detail = check.detail === undefined ? '' : `<br><sub>${inline(check.detail)}</sub>`;
    switch (check.status) {
        case 'passed':
            return '✅ passed';
        case 'failed':
            return `❌ failed${detail}`;
        case 'warned':
            return `⚠️ warned${detail}`;
        case 'skipped':
            return '—';
    }
}
function smokeTestCell(test) {
    switch (test.status) {
        case 'passed':
            return test.seconds === undefined ? '✅ passed' : `✅ ${formatSeconds(test.seconds)}`;
        case 'failed': {
            const output = test.output === undefined ? '' : oneLine(stripAnsi(test.output));
            const shown = truncate(output, SMOKE_OUTPUT_LIMIT);
            return shown === '' ? '❌ failed' : `❌ failed<br><sub>${code(shown)}</sub>`;
        }
        case 'skipped':
            return '—';
    }
}
/** A bar per platform whose build time is known; GitHub renders `mermaid` blocks. */
function buildTimeChart(rows) {
    const timed = rows.flatMap(row => row.buildSeconds === undefined ? [] : [{ row, seconds: row.buildSeconds }]);
    if (timed.length === 0)
        return [];
    const labels = timed.map(({ row }) => mermaidString(row.emulated ? `${row.platform} (QEMU)` : row.platform));
    const values = timed.map(({ seconds }) => oneDecimal(seconds));
    const top = niceCeiling(Math.max(...timed.map(({ seconds }) => seconds)));
    return [
        '#### Build time per platform',
        [
            '```mermaid',
            '---',
            'config:',
            '  xyChart:',
            '    width: 760',
            `    height: ${CHART_BASE_HEIGHT + CHART_BAR_HEIGHT * timed.length}`,
            '    showDataLabel: true',
            // One light bar colour with dark labels inside reads the same in light and dark mode.
            '  themeVariables:',
            '    xyChart:',
            `      plotColorPalette: '${CHART_BAR_COLOUR}'`,
            `      dataLabelColor: '${CHART_LABEL_COLOUR}'`,
            '---',
            // Horizontal: platform names read along the side instead of crowding under narrow bars.
            'xychart-beta horizontal',
            `  x-axis [${labels.join(', ')}]`,
            `  y-axis "seconds" 0 --> ${top}`,
            `  bar [${values.join(', ')}]`,
            '```'
        ].join('\n')
    ];
}
function nextStepsList(nextSteps) {
    if (nextSteps.length === 0)
        return [];
    return ['#### Next steps', nextSteps.map(step => `- ${prose(step)}`).join('\n')];
}
/** Full digests to copy, folded away: the table shows short ones. */
function fullDigests(rows) {
    const pushed = rows.flatMap(row => (row.digest === undefined ? [] : [row]));
    if (pushed.length === 0)
        return [];
    const width = Math.max(...pushed.map(row => oneLine(row.platform).length));
    const lines = pushed.map(row => `${oneLine(row.platform).padEnd(width)}  ${oneLine(row.digest ?? '')}`);
    return [
        '<details><summary>Full digests</summary>',
        `<pre>\n${escapeMarkdown(lines.join('\n'))}\n</pre>`,
        '</details>'
    ];
}
/**
 * Web page of a pushed digest (or, failing that, of the repository) on well-known registries;
 * undefined where we do not know one (a private or local registry).
 */
function registryWebLink(registry, repository, digest) {
    if (!/^sha256:[a-f0-9]{64}$/.test(digest))
        return undefined;
    const parts = repository.split('/');
    if (parts.some(part => !/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/.test(part)))
        return undefined;
    const [first, ...rest] = parts;
    if (first === undefined)
        return undefined;
    switch (registry.toLowerCase()) {
        case 'docker.io':
        case 'index.docker.io':
        case 'registry-1.docker.io': {
            // Docker Hub's per-digest pages need a tag in the path, so the tag list is the sure link.
            if (parts.length === 1)
                return `https://hub.docker.com/_/${first}/tags`;
            if (parts.length !== 2)
                return undefined;
            if (first === 'library')
                return `https://hub.docker.com/_/${rest.join('/')}/tags`;
            return `https://hub.docker.com/r/${parts.join('/')}/tags`;
        }
        case 'quay.io':
            if (parts.length !== 2)
                return undefined;
            return `https://quay.io/repository/${parts.join('/')}/manifest/${digest}`;
        case 'ghcr.io':
            // GitHub shows versions by numeric id, not digest: link the package page.
            if (rest.length === 0)
                return undefined;
            return `https://github.com/users/${first}/packages/container/package/${encodeURIComponent(rest.join('/'))}`;
        default:
            return undefined;
    }
}
/** `sha256:0123456789ab`: the algorithm and the first 12 hex characters. */
function shortDigest(digest) {
    const colon = digest.indexOf(':');
    return colon === -1 ? digest.slice(0, 12) : digest.slice(0, colon + 13);
}
/** Decimal units, as `docker images` and the registries' web pages show sizes. */
function formatBytes(bytes) {
    if (bytes < 1000)
        return `${Math.round(bytes)} B`;
    const units = ['KB', 'MB', 'GB', 'TB'];
    let value = bytes / 1000;
    let unit = 0;
    while (value >= 999.95 && unit < units.length - 1) {
        value /= 1000;
        unit += 1;
    }
    return `${value.toFixed(1)} ${units[unit] ?? ''}`;
}
/** `1.2&nbsp;s`: a number stays on the line of its unit. */
function formatSeconds(seconds) {
    return `${seconds.toFixed(1)}&nbsp;s`;
}
function unbroken(text) {
    return text.replaceAll(' ', '&nbsp;');
}
function oneDecimal(value) {
    return String(Math.round(value * 10) / 10);
}
/** A round axis top a little above the tallest bar. */
function niceCeiling(value) {
    const padded = value * 1.1;
    if (padded <= 10)
        return Math.max(1, Math.ceil(padded));
    const step = 10 ** Math.floor(Math.log10(padded)) / 2;
    return Math.ceil(padded / step) * step;
}
function plural(count, noun) {
    return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
function firstLine(text) {
    const trimmed = text.trim();
    const newline = trimmed.search(/\r?\n|\r/);
    return newline === -1 ? trimmed : `${trimmed.slice(0, newline)} …`;
}
/** At most `limit` characters as a person counts them (graphemes), the last an ellipsis. */
function truncate(text, limit) {
    const graphemes = Array.from(GRAPHEMES.segment(text), part => part.segment);
    return graphemes.length <= limit ? text : `${graphemes.slice(0, limit - 1).join('')}…`;
}
/** Table rows and list items are one line: fold line breaks and runs of space. */
function oneLine(text) {
    return text
        .split(/\r\n|\r|\n/)
        .map(line => line.trim())
        .filter(line => line !== '')
        .join(' ⏎ ')
        .replace(/\s+/g, ' ');
}
function stripAnsi(text) {
    // eslint-disable-next-line no-control-regex -- terminal colour codes in tool output
    return text.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]/g, '').replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '');
}
/**
 * Text that neither Markdown nor HTML may read as syntax: every character with a meaning to
 * either (including `|` for table cells, `:` for emoji and `$` for math) becomes an entity.
 * GitHub's autolinker needs `://`, `@` or `www.` in plain text to make a link; the first two
 * are escaped already, and the dot after `www` is escaped too.
 */
function escapeMarkdown(text) {
    return text
        .replace(/[&<>"'`|\\*_[\]~$@#:]/g, char => `&#${char.charCodeAt(0)};`)
        .replace(/(www)\./gi, '$1&#46;');
}
/** For attribute values, where Markdown does not apply. */
function escapeHtml(text) {
    return text.replace(/[&<>"']/g, char => `&#${char.charCodeAt(0)};`);
}
/** One line of user-controlled text. */
function inline(text) {
    return escapeMarkdown(oneLine(stripAnsi(text)));
}
function code(text) {
    return `<code>${inline(text)}</code>`;
}
/** One line of prose where `pairs of backticks` mark code, everything else escaped. */
function prose(text) {
    const pieces = oneLine(stripAnsi(text)).split('`');
    // An odd count of backticks leaves the last one unpaired: keep it as a literal backtick.
    const paired = pieces.length % 2 === 1 ? pieces : [...pieces.slice(0, -2), pieces.slice(-2).join('`')];
    return paired
        .map((piece, index) => index % 2 === 1 ? `<code>${escapeMarkdown(piece)}</code>` : escapeMarkdown(piece))
        .join('');
}
/** A double-quoted Mermaid label: characters beyond a platform name's become `_`. */
function mermaidString(text) {
    return `"${oneLine(text).replace(/[^\w ./+()-]/g, '_')}"`;
}


/***/ })

};
