// Generates the reference partials of the docs from the source, so they cannot drift:
//   - the GitHub Action's inputs and outputs, from packages/action/action.yml;
//   - the hosting CLI's commands, options and exit codes, from the commander program of @shared-hosting/cli;
//   - the troubleshooting list, from the errorCatalog of @shared-hosting/core;
//   - the App spec reference, from its JSON Schema in @shared-hosting/core (appSpecSchema).
// They are written to docs/reference/_generated/ (git-ignored; "_" keeps them out of the routes) and imported
// by the committed pages in docs/reference/. Run by docusaurus.config.ts before the docs are read, and again
// by the reference-watch plugin when a source changes during `docusaurus start`, each time in a child process
// (generate-reference.mjs) so that Node, not the config loader, imports the ESM workspace packages.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '../../..');
export const actionYmlPath = path.join(repoRoot, 'packages/action/action.yml');
export const outDir = path.join(repoRoot, 'docs/reference/_generated');

const banner = '{/* Generated from the source by apps/site/scripts/reference.mjs: do not edit. */}\n\n';

/**
 * Text safe inside MDX prose and GFM table cells. A `code span` of the source stays code, with its text as
 * written (escaping "<" there would show "&lt;" literally).
 */
export function mdText(value) {
  const text = String(value ?? '').replace(/\s*\n\s*/g, ' ');
  return text
    .split(/(`[^`]+`)/)
    .map((part) => (/^`[^`]+`$/.test(part) ? mdCode(part.slice(1, -1)) : mdEscape(part)))
    .join('')
    .trim();
}

/**
 * A cell that is its own link target, so other pages can link to the row: `#input-version`. A Docusaurus Link,
 * not a plain <a>: JSX written in MDX is not the MDX `a` component, and only Link registers its id with the
 * build's broken-anchor check (onBrokenAnchors), so a link to a row that does not exist fails the build.
 */
function anchored(id, content) {
  return `<Link id="${id}" to="#${id}">${content}</Link>`;
}

/** The first lines of a partial whose table has anchored rows. */
const linkBanner = `${banner}import Link from '@docusaurus/Link';\n\n`;

/** Text safe inside MDX prose and GFM table cells, without trimming: for the parts of a sentence. */
function mdEscape(value) {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\{/g, '&#123;')
    .replace(/\}/g, '&#125;')
    .replace(/\|/g, '\\|')
    .replace(/\*/g, '\\*')
    .replace(/_/g, '\\_');
}

// What a sentence of the catalog names for the reader to type: command-line flags (--infra-ref), environment
// variables (GITHUB_API_URL) and URLs. Shown as code, so a flag does not read (or wrap) as "- -infra-ref".
const typedWords =
  /(?<![\w-])--[a-z][a-z0-9-]*|(?<![\w-])[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+(?![\w-])|https?:\/\/[^\s]+/g;

/**
 * A sentence as MDX: flags and environment variables as inline code, a real URL as a link, a URL with a
 * placeholder host (https://HOST/api/v3) as code, never as a link to nowhere.
 */
export function mdProse(value) {
  const text = String(value ?? '')
    .replace(/\s*\n\s*/g, ' ')
    .trim();
  let out = '';
  let last = 0;
  for (const match of text.matchAll(typedWords)) {
    let word = match[0];
    const trailing = /^https?:/.test(word) ? (/[.,;:)]+$/.exec(word)?.[0] ?? '') : '';
    word = word.slice(0, word.length - trailing.length);
    out += mdEscape(text.slice(last, match.index));
    const placeholder = /^https?:\/\/[^/]*[A-Z]{2,}/.test(word);
    out += /^https?:/.test(word) && !placeholder ? `[${mdCode(word)}](${word})` : mdCode(word);
    last = match.index + word.length;
  }
  return out + mdEscape(text.slice(last));
}

/** Inline code safe inside GFM table cells. */
export function mdCode(value) {
  const text = String(value).replace(/\|/g, '\\|');
  const fence = text.includes('`') ? '`` ' : '`';
  return `${fence}${text}${fence === '`` ' ? ' ``' : '`'}`;
}

function table(header, rows) {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------------------
// The Action

/** Parses action.yml into its inputs and outputs, in file order. */
export function parseAction(text) {
  const doc = parseYaml(text);
  if (!doc || typeof doc !== 'object') throw new Error('action.yml: not a YAML mapping');
  const inputs = Object.entries(doc.inputs ?? {}).map(([name, spec]) => ({
    name,
    description: spec?.description ?? '',
    required: spec?.required === true || spec?.required === 'true',
    default: spec?.default,
    deprecationMessage: spec?.deprecationMessage,
  }));
  const outputs = Object.entries(doc.outputs ?? {}).map(([name, spec]) => ({
    name,
    description: spec?.description ?? '',
  }));
  return { name: doc.name, description: doc.description ?? '', runs: doc.runs ?? {}, inputs, outputs };
}

export function renderActionInputs(action) {
  return `${linkBanner}${table(
    ['Input', 'Required', 'Default', 'Description'],
    action.inputs.map((input) => [
      anchored(`input-${input.name}`, mdCode(input.name)),
      input.required ? 'yes' : 'no',
      input.default === undefined || input.default === '' ? '' : mdCode(String(input.default)),
      mdText(input.description) +
        (input.deprecationMessage ? ` **Deprecated:** ${mdText(input.deprecationMessage)}` : ''),
    ]),
  )}\n`;
}

export function renderActionOutputs(action) {
  return `${linkBanner}${table(
    ['Output', 'Description'],
    action.outputs.map((output) => [
      anchored(`output-${output.name}`, mdCode(output.name)),
      mdText(output.description),
    ]),
  )}\n`;
}

export function renderActionUsage(action) {
  const lines = ['- name: Build and push Docker image', `  id: deploy`];
  lines.push('  uses: shared-hosting/shared-hosting-deploy/packages/action@v1', '  with:');
  for (const input of action.inputs) {
    if (input.required) lines.push(`    ${input.name}: # required`);
    else if (input.default !== undefined && input.default !== '')
      lines.push(`    # ${input.name}: ${JSON.stringify(String(input.default)).replace(/^"(.*)"$/, '$1')}`);
    else lines.push(`    # ${input.name}:`);
  }
  const summary = `The Action runs on \`${mdText(action.runs.using)}\`${
    action.runs.post
      ? ', with a post step that cancels the infrastructure run if the job is cancelled while it waits'
      : ''
  }.`;
  return `${banner}\`\`\`yaml title="Every input (required ones first in your workflow)"\n${lines.join('\n')}\n\`\`\`\n\n${summary}\n`;
}

// ---------------------------------------------------------------------------------------------------------
// The CLI

/** Columns of the help text: what `hosting <command> --help` prints to a pipe (commander's default, 80). */
export const HELP_WIDTH = 80;

/**
 * `<command> --help` as the bin prints it to a pipe, every section included: usage, description, arguments,
 * options, commands, and the text added with addHelpText (examples, exit codes), whatever terminal (if any)
 * runs the build.
 */
export function helpText(cmd) {
  let text = '';
  const output = cmd.configureOutput();
  cmd.configureHelp({ ...cmd.configureHelp(), helpWidth: HELP_WIDTH });
  cmd.configureOutput({
    ...output,
    writeOut: (chunk) => {
      text += chunk;
    },
  });
  try {
    cmd.outputHelp();
  } finally {
    cmd.configureOutput(output);
  }
  return text;
}

/** Walks a commander (v14) program: every command, nested ones included, with its arguments and options. */
export function describeProgram(program) {
  const describe = (cmd, parents) => {
    const fullName = [...parents, cmd.name()].join(' ');
    return {
      name: cmd.name(),
      fullName,
      description: cmd.description(),
      usage: `${fullName} ${cmd.usage()}`.trim(),
      aliases: cmd.aliases(),
      arguments: (cmd.registeredArguments ?? []).map((arg) => ({
        name: arg.name(),
        description: arg.description ?? '',
        required: arg.required,
        variadic: arg.variadic,
        defaultValue: arg.defaultValue,
      })),
      options: cmd.options
        .filter((opt) => !opt.hidden)
        .map((opt) => ({
          flags: opt.flags,
          long: opt.long,
          short: opt.short,
          description: opt.description ?? '',
          defaultValue: opt.defaultValue,
          defaultValueDescription: opt.defaultValueDescription,
          mandatory: Boolean(opt.mandatory),
          negate: Boolean(opt.negate),
          envVar: opt.envVar,
          choices: opt.argChoices,
        })),
      help: helpText(cmd),
      commands: cmd.commands
        .filter((sub) => !sub._hidden)
        .map((sub) => describe(sub, [...parents, cmd.name()])),
    };
  };
  return describe(program, []);
}

function defaultText(opt) {
  if (opt.defaultValueDescription !== undefined) return mdText(opt.defaultValueDescription);
  if (opt.negate || opt.defaultValue === undefined) return '';
  return mdCode(typeof opt.defaultValue === 'string' ? opt.defaultValue : JSON.stringify(opt.defaultValue));
}

/** Ends a description with a full stop when more text follows it in the same cell. */
function sentence(text) {
  const capitalised = text.charAt(0).toUpperCase() + text.slice(1);
  return text === '' || /[.!?:]$/.test(text) ? capitalised : `${capitalised}.`;
}

function optionsTable(options, prefix) {
  return table(
    ['Option', 'Description', 'Default'],
    options.map((opt) => [
      anchored(
        `${prefix}-${slug((opt.long ?? opt.short ?? opt.flags).replace(/^-+/, ''))}`,
        mdCode(opt.flags),
      ),
      [
        sentence(mdText(opt.description)),
        opt.mandatory ? '**Required.**' : '',
        opt.choices ? `One of ${opt.choices.map(mdCode).join(', ')}.` : '',
        opt.envVar ? `Environment: ${mdCode(opt.envVar)}.` : '',
      ]
        .filter(Boolean)
        .join(' '),
      defaultText(opt),
    ]),
  );
}

/** The command's own help text, in a collapsed block (the test compares it line by line with the program). */
function helpDetails(title, help) {
  return `<details>\n<summary>${mdCode(title)}</summary>\n\n\`\`\`text title=${JSON.stringify(title)}\n${help.trimEnd()}\n\`\`\`\n\n</details>\n`;
}

export function slug(fullName) {
  return fullName.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
}

export function renderCli(program) {
  const root = describeProgram(program);
  const all = [];
  const collect = (cmd) => {
    for (const sub of cmd.commands) {
      all.push(sub);
      collect(sub);
    }
  };
  collect(root);

  const out = [linkBanner];
  out.push(`${mdText(root.description)}\n`);
  out.push(
    table(
      ['Command', 'What it does'],
      all.map((cmd) => [`[${mdCode(cmd.fullName)}](#${slug(cmd.fullName)})`, mdText(cmd.description)]),
    ),
  );
  out.push('');
  out.push(`## Global options {/* #global-options */}\n`);
  out.push(`Usage: ${mdCode(root.usage)}\n`);
  out.push(`${optionsTable(root.options, 'hosting')}\n`);
  out.push(`Every command also takes ${mdCode('-h, --help')}.\n`);
  out.push(helpDetails('hosting --help', root.help));
  for (const cmd of all) {
    out.push(`## \`${cmd.fullName}\` {/* #${slug(cmd.fullName)} */}\n`);
    out.push(`${mdText(cmd.description)}\n`);
    out.push(
      `Usage: ${mdCode(cmd.usage)}${cmd.aliases.length ? ` (alias ${cmd.aliases.map(mdCode).join(', ')})` : ''}\n`,
    );
    if (cmd.arguments.length > 0) {
      out.push(
        `${table(
          ['Argument', 'Description'],
          cmd.arguments.map((arg) => [
            mdCode(
              `${arg.required ? '<' : '['}${arg.name}${arg.variadic ? '...' : ''}${arg.required ? '>' : ']'}`,
            ),
            mdText(arg.description),
          ]),
        )}\n`,
      );
    }
    if (cmd.options.length > 0) out.push(`${optionsTable(cmd.options, slug(cmd.fullName))}\n`);
    out.push(helpDetails(`${cmd.fullName} --help`, cmd.help));
  }
  return out.join('\n');
}

export function renderExitCodes(exitCodes) {
  return `${banner}${table(
    ['Code', 'Name', 'Meaning'],
    exitCodes.map((entry) => [mdCode(String(entry.code)), mdCode(entry.name), mdText(entry.meaning)]),
  )}\n`;
}

// ---------------------------------------------------------------------------------------------------------
// Troubleshooting

export function renderTroubleshooting(catalog) {
  const out = [banner];
  out.push(
    table(
      ['Code', 'Problem'],
      catalog.map((e) => [`[${mdCode(e.code)}](#${slug(e.code)})`, mdText(e.title)]),
    ),
  );
  out.push('');
  for (const entry of catalog) {
    out.push(`## ${mdText(entry.title)} {/* #${slug(entry.code)} */}\n`);
    out.push(`Code: ${mdCode(entry.code)}\n`);
    out.push(`**Cause.** ${mdProse(entry.cause)}\n`);
    out.push(`**Fix.** ${mdProse(entry.fix)}\n`);
  }
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------------------
// The App spec (apps/<application>.yaml), from its JSON Schema in @shared-hosting/core

/**
 * One row per key of the App spec, in schema order: keys of a map under `<key>.<name>.` (environments,
 * services), keys of a nested object (a `$ref` to a definition, e.g. release) under `<key>.`.
 */
export function appSpecRows(schema) {
  const rows = [];
  const definition = (ref) => schema.definitions?.[ref.replace('#/definitions/', '')];
  const visit = (properties, required, prefix) => {
    for (const [key, property] of Object.entries(properties ?? {})) {
      const spec = property.$ref ? { ...definition(property.$ref), ...property } : property;
      rows.push({
        key: `${prefix}${key}`,
        required: (required ?? []).includes(key),
        default: spec['x-default'],
        description: spec.description,
        form: spec['x-fix'],
      });
      const ref = spec.additionalProperties?.$ref;
      if (ref) visit(definition(ref)?.properties, definition(ref)?.required, `${prefix}${key}.<name>.`);
      else if (spec.properties) visit(spec.properties, spec.required, `${prefix}${key}.`);
    }
  };
  visit(schema.properties, schema.required, '');
  return rows;
}

export function renderAppSpec(schema) {
  const rows = appSpecRows(schema).map((r) => [
    mdCode(r.key),
    r.required ? 'yes' : 'no',
    r.default && r.default !== 'required' ? mdText(r.default) : '',
    `${mdText(r.description)}${r.form ? ` ${mdText(r.form)}` : ''}`,
  ]);
  return `${banner}${table(['Key', 'Required', 'Default', 'Meaning'], rows)}\n\nNo other key is allowed: an unknown key is bad input (exit 2) naming the file and the line.\n`;
}

// ---------------------------------------------------------------------------------------------------------

/** Loads the sources: action.yml, the CLI program and exit codes, the error catalog. */
export async function loadSources() {
  const actionText = await readFile(actionYmlPath, 'utf8').catch((error) => {
    throw new Error(`Reference: cannot read ${actionYmlPath}: ${error.message}`);
  });
  const importFromSite = async (specifier) => {
    try {
      // Resolved from apps/site, where the workspace packages are dev dependencies (built before the site).
      return await import(specifier);
    } catch (error) {
      throw new Error(
        `Reference: cannot load ${specifier} (${error.message}). Build it first: pnpm turbo run build --filter=@shared-hosting/site`,
      );
    }
  };
  const cli = await importFromSite('@shared-hosting/cli');
  const core = await importFromSite('@shared-hosting/core');
  if (typeof cli.createProgram !== 'function')
    throw new Error('Reference: @shared-hosting/cli exports no createProgram()');
  if (!Array.isArray(cli.EXIT_CODES))
    throw new Error('Reference: @shared-hosting/cli exports no EXIT_CODES array');
  if (!Array.isArray(core.errorCatalog))
    throw new Error('Reference: @shared-hosting/core exports no errorCatalog');
  if (typeof core.resultFieldsMarkdown !== 'function')
    throw new Error('Reference: @shared-hosting/core exports no resultFieldsMarkdown()');
  if (!core.appSpecSchema?.properties)
    throw new Error('Reference: @shared-hosting/core exports no appSpecSchema');
  return {
    action: parseAction(actionText),
    program: cli.createProgram(),
    exitCodes: cli.EXIT_CODES,
    catalog: core.errorCatalog,
    resultFields: core.resultFieldsMarkdown(),
    appSpecSchema: core.appSpecSchema,
  };
}

async function writeIfChanged(file, content) {
  const previous = await readFile(file, 'utf8').catch(() => undefined);
  if (previous !== content) await writeFile(file, content);
}

/** Generates every reference partial. */
export async function generateReference() {
  const { action, program, exitCodes, catalog, resultFields, appSpecSchema } = await loadSources();
  await mkdir(outDir, { recursive: true });
  const files = {
    'action-inputs.md': renderActionInputs(action),
    'action-outputs.md': renderActionOutputs(action),
    'action-usage.md': renderActionUsage(action),
    'cli.md': renderCli(program),
    'exit-codes.md': renderExitCodes(exitCodes),
    'json.md': `${resultFields}\n`,
    'troubleshooting.md': renderTroubleshooting(catalog),
    'app-spec.md': renderAppSpec(appSpecSchema),
  };
  for (const [name, content] of Object.entries(files)) await writeIfChanged(path.join(outDir, name), content);
  return Object.keys(files).map((name) => path.join(outDir, name));
}
