/**
 * Everything `charnn serve` (and the library's createServer) can be told, in one table as the
 * other commands' options (src/options/option-spec.ts): the flags, the library's options and
 * defaults, and the checks come from it. The models (-m, repeatable) are the command's arguments.
 */
import {
  DURATION_MAX_MS,
  DURATION_MIN_MS,
  defaultsOf,
  int,
  onOff,
  optionalInt,
  optionalText,
  text,
  type ValuesOf,
} from '../options/option-spec.js';

export const SERVE_OPTIONS = {
  host: text('--host <address>', 'address to listen on (a non-loopback one serves other machines: give --api-key)', '127.0.0.1'),
  port: int('--port <n>', 'port to listen on (0: any free port)', 8080, 0, 65535),
  threads: optionalInt(
    '--threads <n>',
    'worker threads that run the requests, each with its own copy of the models (default: all {cores} cores)',
    1,
    256,
  ),
  apiKey: optionalText(
    '--api-key <key>',
    'require "Authorization: Bearer KEY" on every API endpoint (not /health, not the playground page)',
  ),
  maxQueue: int('--max-queue <n>', 'requests that may wait for a thread; more are refused with 429 and Retry-After', 128, 0, 1_000_000),
  timeoutMs: int(
    '--timeout <duration>',
    'time limit of a request, from its arrival to its last byte (504 past it), e.g. 60s, 5m',
    60_000,
    DURATION_MIN_MS,
    DURATION_MAX_MS,
    {
      duration: true,
    },
  ),
  cors: optionalText('--cors <origin>', 'allow browsers on this origin (or *) to call the API (default: no CORS headers)'),
  quiet: onOff('--quiet', 'no access line per request on stderr', false, { cliOnly: true }),
  bodyLimit: int('--body-limit <bytes>', 'largest request body (413 past it)', 1 << 20, 1024, 1 << 30, { libraryOnly: true }),
  headersTimeoutMs: int('--headers-timeout <ms>', 'a client must have sent its headers within this time', 10_000, 100, 600_000, {
    libraryOnly: true,
  }),
  bodyTimeoutMs: int(
    '--body-timeout <ms>',
    'a client must have sent its whole request within this time (408 past it)',
    30_000,
    100,
    600_000,
    {
      libraryOnly: true,
    },
  ),
} as const;

export type ServeValues = ValuesOf<typeof SERVE_OPTIONS>;
export const SERVE_DEFAULTS: ServeValues = defaultsOf(SERVE_OPTIONS);
