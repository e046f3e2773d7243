export const id = 622;
export const ids = [622];
export const modules = {

/***/ 3622:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  runMergeMode: () => (/* binding */ runMergeMode)
});

// UNUSED EXPORTS: mergeSummary

// EXTERNAL MODULE: ./src/cancel.ts
var cancel = __webpack_require__(833);
// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 7 modules
var core = __webpack_require__(3838);
// EXTERNAL MODULE: ./src/annotations.ts
var src_annotations = __webpack_require__(105);
// EXTERNAL MODULE: ./src/constants.ts
var constants = __webpack_require__(7242);
// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(3916);
// EXTERNAL MODULE: ./src/login.ts
var src_login = __webpack_require__(2430);
// EXTERNAL MODULE: ./src/docker-metadata.ts
var docker_metadata = __webpack_require__(2325);
// EXTERNAL MODULE: ./src/outputs.ts
var outputs = __webpack_require__(7729);
// EXTERNAL MODULE: ./src/registry/pool.ts
var registry_pool = __webpack_require__(7937);
// EXTERNAL MODULE: ./src/registry/readback.ts
var readback = __webpack_require__(7968);
// EXTERNAL MODULE: ./src/platform.ts
var src_platform = __webpack_require__(3728);
// EXTERNAL MODULE: ./src/reference.ts
var src_reference = __webpack_require__(8286);
// EXTERNAL MODULE: ./src/bounded.ts
var bounded = __webpack_require__(6586);
// EXTERNAL MODULE: ./src/leg-record.ts
var leg_record = __webpack_require__(5193);
// EXTERNAL MODULE: ./src/summary.ts
var summary = __webpack_require__(8855);
// EXTERNAL MODULE: ./src/verify/image.ts + 6 modules
var verify_image = __webpack_require__(2046);
// EXTERNAL MODULE: ./src/plan.ts
var plan = __webpack_require__(2464);
// EXTERNAL MODULE: ./src/registry/client.ts + 7 modules
var client = __webpack_require__(8152);
// EXTERNAL MODULE: ./src/registry/digest.ts
var digest = __webpack_require__(5035);
// EXTERNAL MODULE: ./src/registry/oci.ts
var oci = __webpack_require__(5526);
// EXTERNAL MODULE: ./src/registry/publish.ts
var publish = __webpack_require__(5328);
// EXTERNAL MODULE: ./src/verify/sources.ts
var verify_sources = __webpack_require__(4855);
;// CONCATENATED MODULE: ./src/modes/merge/assemble.ts
/**
 * The pure half of `mode: merge`: from the manifests the build legs pushed, one OCI index
 * with every expected platform exactly once, in the order of the `platforms` input, so the
 * same legs always give the same index digest.
 */




/** `linux/arm64` for an entry that says arm64 + v8, as the `platforms` input spells it. */
function platformKey(platform) {
    return (0,src_platform/* descriptorPlatformName */.gh)(platform) ?? 'unknown';
}
/** Split an index's entries into platform images and attestations. */
function splitIndex(reference, manifests) {
    return {
        reference,
        images: manifests.filter(entry => !(0,oci/* isAttestation */.H3)(entry)),
        attestations: manifests.filter(oci/* isAttestation */.H3)
    };
}
/**
 * Every expected platform exactly once, nothing unexpected, attestations kept next to
 * the image they describe. Throws naming what is missing, doubled or unexpected.
 */
function assembleIndex(expected, sources, 
/** Index-level ones go on the index, manifest-descriptor ones on each platform's entry. */
annotations = []) {
    const byPlatform = new Map();
    const attestationsOf = new Map();
    for (const source of sources) {
        for (const image of source.images) {
            const key = platformKey(image.platform);
            const seen = byPlatform.get(key);
            if (seen === undefined)
                byPlatform.set(key, { image, from: [source.reference] });
            else if (seen.image.digest !== image.digest)
                seen.from.push(source.reference);
        }
        for (const attestation of source.attestations) {
            const subject = attestation.annotations?.[oci/* ATTESTATION_SUBJECT */._L];
            if (subject === undefined)
                continue;
            const list = attestationsOf.get(subject) ?? [];
            if (!list.some(entry => entry.digest === attestation.digest))
                list.push(attestation);
            attestationsOf.set(subject, list);
        }
    }
    const doubled = [...byPlatform.entries()].filter(([, entry]) => entry.from.length > 1);
    const missing = expected.filter(platform => !byPlatform.has(platform));
    const unexpected = [...byPlatform.keys()].filter(platform => !expected.includes(platform));
    const problems = [
        ...doubled.map(([platform, entry]) => `${platform} comes from ${entry.from.join(' and ')}`),
        ...(missing.length > 0 ? [`missing: ${missing.join(', ')}`] : []),
        ...(unexpected.length > 0 ? [`not in \`platforms\`: ${unexpected.join(', ')}`] : [])
    ];
    if (problems.length > 0) {
        throw new errors/* ActionError */.lZ(`cannot merge: ${problems.join('; ')}`, 'Each platform must come from exactly one leg; no tag was moved');
    }
    const entries = [];
    for (const platform of expected) {
        const found = byPlatform.get(platform);
        if (found === undefined)
            continue;
        const added = (0,src_annotations/* annotationsAt */.wv)(annotations, 'manifest-descriptor', platform);
        entries.push((0,oci/* canonicalDescriptor */.C_)(Object.keys(added).length === 0
            ? found.image
            : { ...found.image, annotations: { ...found.image.annotations, ...added } }));
        for (const attestation of attestationsOf.get(found.image.digest) ?? []) {
            entries.push((0,oci/* canonicalDescriptor */.C_)(attestation));
        }
    }
    const indexAnnotations = (0,oci/* sortedKeys */.Mf)((0,src_annotations/* annotationsAt */.wv)(annotations, 'index'));
    const index = {
        schemaVersion: 2,
        mediaType: oci/* MEDIA_TYPES */.Z2.ociIndex,
        manifests: entries,
        ...(Object.keys(indexAnnotations).length === 0 ? {} : { annotations: indexAnnotations })
    };
    return { index: Buffer.from(JSON.stringify(index)), entries };
}
/**
 * Manifest-level annotations belong to the legs' images, which the merge cannot change
 * without changing their digests: it checks that each carries them. One line per platform
 * that lacks one or holds another value; empty: all there.
 */
function missingManifestAnnotations(manifests, annotations) {
    return manifests.flatMap(({ platform, annotations: held }) => {
        const wanted = (0,src_annotations/* annotationsAt */.wv)(annotations, 'manifest', platform);
        const wrong = Object.entries(wanted).flatMap(([key, value]) => held[key] === value
            ? []
            : [held[key] === undefined ? `${key} missing` : `${key} is ${JSON.stringify(held[key])}`]);
        return wrong.length === 0 ? [] : [`${platform}: ${wrong.join(', ')}`];
    });
}

;// CONCATENATED MODULE: ./src/modes/merge/merge.ts












/** The legs' images: the `sources` input, else each platform's tag next to the first tag. */
function mergeSources(sources, tags, platforms) {
    if (sources.length > 0)
        return [...sources];
    const [first] = tags;
    if (first === undefined)
        throw new errors/* ActionError */.lZ('input `tags`: merge mode needs a tag to push');
    return platforms.map(platform => (0,plan/* legTag */.NO)(first, platform));
}
/** What a leg pushed: an index is flattened; a lone manifest gets its platform from its config. */
async function resolveSource(pool, source) {
    const client = await pool.get(source.registry);
    const manifest = await client.getManifest(source);
    const parsed = JSON.parse(manifest.raw.toString('utf8'));
    const reference = (0,src_reference/* formatReference */.FH)(source);
    if ((0,oci/* isIndexMediaType */.$$)(manifest.mediaType)) {
        return { ...splitIndex(reference, parsed.manifests ?? []), digest: manifest.digest };
    }
    if (parsed.config === undefined)
        throw new errors/* ActionError */.lZ(`${reference} is neither an index nor an image`);
    const config = await client.getBlobJson(source.repository, parsed.config.digest);
    if (config.architecture === undefined) {
        throw new errors/* ActionError */.lZ(`${reference}: its config names no architecture`);
    }
    const image = {
        mediaType: manifest.mediaType,
        digest: manifest.digest,
        size: manifest.raw.length,
        platform: {
            os: config.os ?? 'linux',
            architecture: config.architecture,
            ...(config.variant === undefined ? {} : { variant: config.variant })
        }
    };
    return { reference, digest: manifest.digest, images: [image], attestations: [] };
}
/**
 * Assemble and push the index: resolve the legs' images, check every platform is there
 * exactly once, copy them into each tag's repository, push the index by digest, and only
 * then move the tags.
 */
async function runMerge(platforms, tags, sourceInput, pool, 
/** Checks the platform images before the index is pushed (the architecture check). */
verify = () => Promise.resolve(), annotations = []) {
    const sources = mergeSources(sourceInput, tags, platforms);
    const resolved = await core/* group */.Os('Collect the legs', () => 
    // Many legs: their manifests are fetched side by side, a few at a time.
    (0,bounded/* mapBounded */.yJ)(sources, bounded/* REGISTRY_CONCURRENCY */.yT, async (source, position) => {
        const image = await resolveSource(pool, source).catch((error) => {
            const platform = sourceInput.length === 0 ? platforms[position] : undefined;
            if (error instanceof client/* RegistryError */.gl && error.status === 404 && platform !== undefined) {
                throw new errors/* ActionError */.lZ(`cannot merge: no leg pushed ${(0,src_platform/* formatPlatform */.Bq)(platform)} (${(0,src_reference/* formatReference */.FH)(source)} does not exist)`, 'Run its build leg with push-by-digest: true first; no tag was moved');
            }
            throw error;
        });
        core/* info */.pq(`${image.reference}: ${image.images.map(entry => entry.digest).join(', ')}${image.attestations.length > 0 ? ` (+${image.attestations.length} attestations)` : ''}`);
        return image;
    }));
    const expected = platforms.map(src_platform/* formatPlatform */.Bq);
    const { index, entries } = assembleIndex(expected, resolved, annotations);
    await checkManifestAnnotations(pool, sources, resolved, entries, annotations);
    const image = { digest: (0,digest/* digestOf */.ol)(index), bytes: index, mediaType: client/* MEDIA_TYPES */.Z2.ociIndex };
    await verify(await platformImages(pool, sources, resolved, entries));
    await core/* group */.Os('Push the index by digest (no tag moves yet)', async () => {
        for (const tag of uniqueRepositories(tags)) {
            const client = await pool.get(tag.registry);
            for (const [position, source] of sources.entries()) {
                if (source.registry !== tag.registry) {
                    throw new errors/* ActionError */.lZ(`${(0,src_reference/* formatReference */.FH)(source)} is on ${source.registry}, the tags on ${tag.registry}`, 'Merge within one registry: push the legs to the registry of the final tags');
                }
                const from = resolved[position];
                if (from === undefined)
                    continue;
                for (const entry of [...from.images, ...from.attestations]) {
                    if (entries.some(kept => kept.digest === entry.digest)) {
                        await (0,publish/* bringManifest */.ur)({ client, repository: source.repository }, { client, repository: tag.repository }, entry.digest);
                    }
                }
            }
            await client.putManifest(tag.repository, image.digest, index, image.mediaType);
            core/* info */.pq(`${tag.registry}/${tag.repository}@${image.digest}`);
        }
    });
    await core/* group */.Os('Move the tags', () => (0,publish/* moveTags */.Fu)(image, tags, pool));
    const legs = sources.flatMap((source, position) => (resolved[position]?.images ?? [])
        .filter(entry => entries.some(kept => kept.digest === entry.digest))
        .map(entry => ({
        platform: platformKey(entry.platform),
        source,
        digest: resolved[position]?.digest
    })));
    return { digest: image.digest, sources, legs };
}
/**
 * The merge writes the index, never the legs' manifests: manifest-level annotations must
 * already be on them (the legs were given the same `annotations`), else it stops, naming each.
 */
async function checkManifestAnnotations(pool, sources, resolved, entries, annotations) {
    if (!annotations.some(annotation => annotation.level === 'manifest'))
        return;
    const perSource = await (0,bounded/* mapBounded */.yJ)(sources, bounded/* REGISTRY_CONCURRENCY */.yT, async (source, position) => {
        const client = await pool.get(source.registry);
        const kept = (resolved[position]?.images ?? []).filter(entry => entries.some(entryKept => entryKept.digest === entry.digest));
        return Promise.all(kept.map(async (entry) => {
            const manifest = await client.getManifest({ ...source, digest: entry.digest });
            const parsed = JSON.parse(manifest.raw.toString('utf8'));
            return { platform: platformKey(entry.platform), annotations: parsed.annotations ?? {} };
        }));
    });
    const missing = missingManifestAnnotations(perSource.flat(), annotations);
    if (missing.length > 0) {
        throw new errors/* ActionError */.lZ(`cannot merge: the manifest-level \`annotations\` belong on the legs' images, and ${missing.join('; ')}`, 'Give the build legs the same `annotations` (a merge cannot change their manifests without changing their digests), or prefix these with `index:` for the index; no tag was moved');
    }
    core/* info */.pq(`every platform's manifest carries the manifest-level annotations`);
}
/** The kept platform images, their layers streamed from the leg's repository. */
async function platformImages(pool, sources, resolved, entries) {
    const perSource = await (0,bounded/* mapBounded */.yJ)(sources, bounded/* REGISTRY_CONCURRENCY */.yT, async (source, position) => {
        const kept = (resolved[position]?.images ?? []).filter(entry => entries.some(entryKept => entryKept.digest === entry.digest));
        return (0,verify_sources/* registryPlatformImages */.l)(await pool.get(source.registry), source.registry, source.repository, kept.map(entry => ({ platform: platformKey(entry.platform), digest: entry.digest })));
    });
    return perSource.flat();
}
function uniqueRepositories(tags) {
    const seen = new Set();
    return tags.filter(tag => {
        const key = `${tag.registry}/${tag.repository}`;
        if (seen.has(key))
            return false;
        seen.add(key);
        return true;
    });
}

;// CONCATENATED MODULE: ./src/modes/merge/run.ts

















/**
 * The fan-out at a glance: every platform's digest, size and architecture check (this
 * merge's own), and how and where its leg built it, from the leg's record.
 */
function mergeSummary(inputs, image, verification, records) {
    const [first] = inputs.tags;
    return {
        title: `${(0,src_reference/* repositoryName */.aR)(first ?? { registry: '', repository: 'merge' })} (merged)`,
        engine: 'registry API',
        indexDigest: image.digest,
        tags: inputs.tags.map(src_reference/* formatReference */.FH),
        rows: inputs.platforms.map(src_platform/* formatPlatform */.Bq).map((platform) => {
            const checked = verification.find(entry => entry.platform === platform);
            const record = records.get(platform);
            const digest = image.digests[platform];
            return {
                platform,
                emulated: record?.emulated,
                ...(record === undefined
                    ? { runsNote: 'no leg record' }
                    : {
                        ...(record.runner === undefined ? {} : { runner: record.runner }),
                        ...(record.probed ? { runsNote: 'probed' } : {})
                    }),
                digest,
                link: first === undefined || digest === undefined
                    ? undefined
                    : (0,summary/* registryWebLink */.ii)(first.registry, first.repository, digest),
                layers: checked?.layers ?? record?.layers,
                bytes: checked?.bytes ?? record?.bytes,
                buildSeconds: record?.buildSeconds,
                archCheck: (0,summary/* archCheckOf */.q$)(checked),
                smokeTest: { status: 'skipped' }
            };
        }),
        failure: undefined,
        nextSteps: [],
        notes: [
            `${records.size} legs; ${[...records.values()].filter(record => record !== undefined).length} left a record of how they were built`
        ]
    };
}
/** `mode: merge`: legs' images -> one index -> tags -> read back -> outputs. */
async function runMergeMode(inputs) {
    const refused = (0,src_annotations/* firstAt */.yI)(inputs.annotations, ['index-descriptor']);
    if (refused !== undefined) {
        throw new errors/* InputError */.dz(constants/* Input */.pd.Annotations, `\`${(0,src_annotations/* formatAnnotation */.tn)(refused)}\` asks for the index-descriptor level, which only an OCI layout's index.json carries; a merge pushes to a registry`, 'Use the index level for the index, manifest-descriptor for its entries');
    }
    const logins = (0,src_login/* loginsFrom */.pD)(inputs);
    for (const login of logins)
        (0,src_login/* maskCredentials */.Bs)(login.credentials);
    const lookup = (registry) => (0,src_login/* credentialsFor */.Og)(registry, logins);
    const pool = new registry_pool/* RegistryPool */.y(lookup, core/* info */.pq);
    const verification = [];
    try {
        const merged = await runMerge(inputs.platforms, inputs.tags, inputs.sources, pool, images => core/* group */.Os("Check each platform's binaries", () => (0,verify_image/* verifyPlatforms */.K)(images, inputs.verifyArch, inputs.verifyArchAllow, verification)), inputs.annotations);
        const image = await core/* group */.Os('Read back from the registry', async () => {
            const pushed = await (0,readback/* readBack */.e7)(inputs.tags, inputs.platforms, pool);
            if (pushed.digest !== merged.digest) {
                throw new errors/* ActionError */.lZ(`the registry serves ${pushed.digest} under the tags, but this run pushed ${merged.digest}`, 'Another push moved a tag meanwhile');
            }
            for (const [platform, digest] of Object.entries(pushed.digests)) {
                core/* info */.pq(`${platform}: ${digest}`);
            }
            return pushed;
        });
        const records = await core/* group */.Os("Read the legs' records", async () => {
            const found = await (0,bounded/* mapBounded */.yJ)(merged.legs, bounded/* REGISTRY_CONCURRENCY */.yT, async (leg) => leg.digest === undefined
                ? undefined
                : (0,leg_record/* readLegRecord */.I8)(await pool.get(leg.source.registry), leg.source.repository, leg.digest, leg.platform).catch((error) => {
                    core/* warning */.$e(`${leg.platform}: its leg record could not be read (${(0,errors/* errorMessage */.gJ)(error)})`);
                    return undefined;
                }));
            for (const [position, leg] of merged.legs.entries()) {
                const record = found[position];
                core/* info */.pq(record === undefined
                    ? `${leg.platform}: no leg record (the leg was not built by this action, or left none)`
                    : `${leg.platform}: built ${record.emulated ? 'under QEMU' : 'natively'}${record.runner === undefined ? '' : ` on ${record.runner}`} by ${record.engine}${record.buildSeconds === undefined ? '' : ` in ${record.buildSeconds.toFixed(1)} s`}`);
            }
            return new Map(merged.legs.map((leg, position) => [leg.platform, found[position]]));
        });
        await (0,summary/* writeBuildSummary */.S4)(mergeSummary(inputs, image, verification, records));
        (0,outputs/* writeOutputs */.K)({
            [constants/* Output */.k7.Digest]: image.digest,
            [constants/* Output */.k7.Digests]: JSON.stringify(image.digests),
            [constants/* Output */.k7.Attestations]: JSON.stringify(image.attestations),
            [constants/* Output */.k7.Manifest]: image.manifest,
            [constants/* Output */.k7.Images]: image.images.join('\n'),
            [constants/* Output */.k7.Metadata]: JSON.stringify((0,docker_metadata/* dockerMetadataKeys */.Ok)({ ...image, bytes: image.manifest }, inputs.tags.map(src_reference/* formatReference */.FH), {}))
        });
    }
    finally {
        // A client that will not close must not take the place of the merge's own error.
        await (0,cancel/* cleanUp */.nY)([['closing registry connections', () => pool.close()]]);
    }
}


/***/ })

};
