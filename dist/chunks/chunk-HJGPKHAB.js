import { createRequire as __lppCreateRequire } from 'node:module'; const require = __lppCreateRequire(import.meta.url);
import {
  DEPENDENCY_ZIP_FILE,
  MANIFEST_FILE,
  MAX_METADATA_BYTES,
  RECORD_CONTRADICTS_HINT,
  SdistOnly,
  UNEXTRACTABLE_HINT,
  checkArchiveUrl,
  checkExtra,
  checkGitUrl,
  checkHash,
  checkHost,
  checkIndexUrl,
  checkInstalledPaths,
  checkInstalledRecords,
  checkName,
  checkPath,
  checkSubdirectory,
  checkVersion,
  chooseInstaller,
  cleanTree,
  cleanedAway,
  compareVersions,
  describeIndexes,
  distributionFrom,
  effectiveIndexes,
  findPython,
  hasControl,
  indexesForKey,
  installedRecordKeeps,
  isFullCommit,
  loadChosenWheels,
  matchesSpecifier,
  parseRecord,
  printable,
  quoted,
  readManifest,
  readPipConfig,
  readTree,
  recordHash,
  recordRow,
  recordSha256,
  recordVerdict,
  renderRequirements,
  rowsByPath,
  runBounded,
  runProcess,
  sha256File,
  shown,
  unextractableReason,
  wheelRefusal,
  writeChosenWheels,
  writeManifest
} from "./chunk-EUACNY2S.js";
import {
  checkPackageSizes,
  checkTree,
  hasElfMagic,
  inspect,
  scanBytes,
  scanKeeps,
  scanTree,
  warnUnpinned
} from "./chunk-G5Z4V3NS.js";
import {
  glibcString,
  makeTarget,
  parseWheelFilename,
  wheelFits
} from "./chunk-QJVFUJPW.js";
import {
  COLLECT_SOURCE,
  EntryReader,
  LAYER_PREFIX,
  MODE_EXECUTABLE,
  MODE_FILE,
  WorkerPool,
  ZIP_LEVEL,
  defaultThreads,
  dependencyMembers,
  describeJsonError,
  entryProblem,
  findJsonError,
  findModule,
  inflateEntry,
  inflateWithin,
  parseHandler,
  planPackages,
  prepareOutputDir,
  readZipDirectory,
  staticVerdict,
  storedDataStart,
  writePackages,
  writeZip
} from "./chunk-26PJGCCU.js";
import {
  UNZIPPED_LIMIT,
  emptyIndexOptions,
  normalizeName
} from "./chunk-CYE4DHQG.js";
import {
  redact
} from "./chunk-HCMR2GAL.js";
import {
  UserError,
  UserErrors,
  throwAll
} from "./chunk-LYXEWKKS.js";
import {
  append
} from "./chunk-SJ6SIYOC.js";
import {
  __commonJS,
  __toESM
} from "./chunk-QK3BG52E.js";

// node_modules/picomatch/lib/constants.js
var require_constants = __commonJS({
  "node_modules/picomatch/lib/constants.js"(exports, module) {
    "use strict";
    var WIN_SLASH = "\\\\/";
    var WIN_NO_SLASH = `[^${WIN_SLASH}]`;
    var DEFAULT_MAX_EXTGLOB_RECURSION = 0;
    var DOT_LITERAL = "\\.";
    var PLUS_LITERAL = "\\+";
    var QMARK_LITERAL = "\\?";
    var SLASH_LITERAL = "\\/";
    var ONE_CHAR = "(?=.)";
    var QMARK = "[^/]";
    var END_ANCHOR = `(?:${SLASH_LITERAL}|$)`;
    var START_ANCHOR = `(?:^|${SLASH_LITERAL})`;
    var DOTS_SLASH = `${DOT_LITERAL}{1,2}${END_ANCHOR}`;
    var NO_DOT = `(?!${DOT_LITERAL})`;
    var NO_DOTS = `(?!${START_ANCHOR}${DOTS_SLASH})`;
    var NO_DOT_SLASH = `(?!${DOT_LITERAL}{0,1}${END_ANCHOR})`;
    var NO_DOTS_SLASH = `(?!${DOTS_SLASH})`;
    var QMARK_NO_DOT = `[^.${SLASH_LITERAL}]`;
    var STAR = `${QMARK}*?`;
    var SEP = "/";
    var POSIX_CHARS = {
      DOT_LITERAL,
      PLUS_LITERAL,
      QMARK_LITERAL,
      SLASH_LITERAL,
      ONE_CHAR,
      QMARK,
      END_ANCHOR,
      DOTS_SLASH,
      NO_DOT,
      NO_DOTS,
      NO_DOT_SLASH,
      NO_DOTS_SLASH,
      QMARK_NO_DOT,
      STAR,
      START_ANCHOR,
      SEP
    };
    var WINDOWS_CHARS = {
      ...POSIX_CHARS,
      SLASH_LITERAL: `[${WIN_SLASH}]`,
      QMARK: WIN_NO_SLASH,
      STAR: `${WIN_NO_SLASH}*?`,
      DOTS_SLASH: `${DOT_LITERAL}{1,2}(?:[${WIN_SLASH}]|$)`,
      NO_DOT: `(?!${DOT_LITERAL})`,
      NO_DOTS: `(?!(?:^|[${WIN_SLASH}])${DOT_LITERAL}{1,2}(?:[${WIN_SLASH}]|$))`,
      NO_DOT_SLASH: `(?!${DOT_LITERAL}{0,1}(?:[${WIN_SLASH}]|$))`,
      NO_DOTS_SLASH: `(?!${DOT_LITERAL}{1,2}(?:[${WIN_SLASH}]|$))`,
      QMARK_NO_DOT: `[^.${WIN_SLASH}]`,
      START_ANCHOR: `(?:^|[${WIN_SLASH}])`,
      END_ANCHOR: `(?:[${WIN_SLASH}]|$)`,
      SEP: "\\"
    };
    var POSIX_REGEX_SOURCE = {
      __proto__: null,
      alnum: "a-zA-Z0-9",
      alpha: "a-zA-Z",
      ascii: "\\x00-\\x7F",
      blank: " \\t",
      cntrl: "\\x00-\\x1F\\x7F",
      digit: "0-9",
      graph: "\\x21-\\x7E",
      lower: "a-z",
      print: "\\x20-\\x7E ",
      punct: "\\-!\"#$%&'()\\*+,./:;<=>?@[\\]^_`{|}~",
      space: " \\t\\r\\n\\v\\f",
      upper: "A-Z",
      word: "A-Za-z0-9_",
      xdigit: "A-Fa-f0-9"
    };
    module.exports = {
      DEFAULT_MAX_EXTGLOB_RECURSION,
      MAX_LENGTH: 1024 * 64,
      POSIX_REGEX_SOURCE,
      // regular expressions
      REGEX_BACKSLASH: /\\(?![*+?^${}(|)[\]])/g,
      REGEX_NON_SPECIAL_CHARS: /^[^@![\].,$*+?^{}()|\\/]+/,
      REGEX_SPECIAL_CHARS: /[-*+?.^${}(|)[\]]/,
      REGEX_SPECIAL_CHARS_BACKREF: /(\\?)((\W)(\3*))/g,
      REGEX_SPECIAL_CHARS_GLOBAL: /([-*+?.^${}(|)[\]])/g,
      REGEX_REMOVE_BACKSLASH: /(?:\[.*?[^\\]\]|\\(?=.))/g,
      // Replace globs with equivalent patterns to reduce parsing time.
      REPLACEMENTS: {
        __proto__: null,
        "***": "*",
        "**/**": "**",
        "**/**/**": "**"
      },
      // Digits
      CHAR_0: 48,
      /* 0 */
      CHAR_9: 57,
      /* 9 */
      // Alphabet chars.
      CHAR_UPPERCASE_A: 65,
      /* A */
      CHAR_LOWERCASE_A: 97,
      /* a */
      CHAR_UPPERCASE_Z: 90,
      /* Z */
      CHAR_LOWERCASE_Z: 122,
      /* z */
      CHAR_LEFT_PARENTHESES: 40,
      /* ( */
      CHAR_RIGHT_PARENTHESES: 41,
      /* ) */
      CHAR_ASTERISK: 42,
      /* * */
      // Non-alphabetic chars.
      CHAR_AMPERSAND: 38,
      /* & */
      CHAR_AT: 64,
      /* @ */
      CHAR_BACKWARD_SLASH: 92,
      /* \ */
      CHAR_CARRIAGE_RETURN: 13,
      /* \r */
      CHAR_CIRCUMFLEX_ACCENT: 94,
      /* ^ */
      CHAR_COLON: 58,
      /* : */
      CHAR_COMMA: 44,
      /* , */
      CHAR_DOT: 46,
      /* . */
      CHAR_DOUBLE_QUOTE: 34,
      /* " */
      CHAR_EQUAL: 61,
      /* = */
      CHAR_EXCLAMATION_MARK: 33,
      /* ! */
      CHAR_FORM_FEED: 12,
      /* \f */
      CHAR_FORWARD_SLASH: 47,
      /* / */
      CHAR_GRAVE_ACCENT: 96,
      /* ` */
      CHAR_HASH: 35,
      /* # */
      CHAR_HYPHEN_MINUS: 45,
      /* - */
      CHAR_LEFT_ANGLE_BRACKET: 60,
      /* < */
      CHAR_LEFT_CURLY_BRACE: 123,
      /* { */
      CHAR_LEFT_SQUARE_BRACKET: 91,
      /* [ */
      CHAR_LINE_FEED: 10,
      /* \n */
      CHAR_NO_BREAK_SPACE: 160,
      /* \u00A0 */
      CHAR_PERCENT: 37,
      /* % */
      CHAR_PLUS: 43,
      /* + */
      CHAR_QUESTION_MARK: 63,
      /* ? */
      CHAR_RIGHT_ANGLE_BRACKET: 62,
      /* > */
      CHAR_RIGHT_CURLY_BRACE: 125,
      /* } */
      CHAR_RIGHT_SQUARE_BRACKET: 93,
      /* ] */
      CHAR_SEMICOLON: 59,
      /* ; */
      CHAR_SINGLE_QUOTE: 39,
      /* ' */
      CHAR_SPACE: 32,
      /*   */
      CHAR_TAB: 9,
      /* \t */
      CHAR_UNDERSCORE: 95,
      /* _ */
      CHAR_VERTICAL_LINE: 124,
      /* | */
      CHAR_ZERO_WIDTH_NOBREAK_SPACE: 65279,
      /* \uFEFF */
      /**
       * Create EXTGLOB_CHARS
       */
      extglobChars(chars) {
        return {
          "!": { type: "negate", open: "(?:(?!(?:", close: `))${chars.STAR})` },
          "?": { type: "qmark", open: "(?:", close: ")?" },
          "+": { type: "plus", open: "(?:", close: ")+" },
          "*": { type: "star", open: "(?:", close: ")*" },
          "@": { type: "at", open: "(?:", close: ")" }
        };
      },
      /**
       * Create GLOB_CHARS
       */
      globChars(win32) {
        return win32 === true ? WINDOWS_CHARS : POSIX_CHARS;
      }
    };
  }
});

// node_modules/picomatch/lib/utils.js
var require_utils = __commonJS({
  "node_modules/picomatch/lib/utils.js"(exports) {
    "use strict";
    var {
      REGEX_BACKSLASH,
      REGEX_REMOVE_BACKSLASH,
      REGEX_SPECIAL_CHARS,
      REGEX_SPECIAL_CHARS_GLOBAL
    } = require_constants();
    exports.isObject = (val) => val !== null && typeof val === "object" && !Array.isArray(val);
    exports.hasRegexChars = (str) => REGEX_SPECIAL_CHARS.test(str);
    exports.isRegexChar = (str) => str.length === 1 && exports.hasRegexChars(str);
    exports.escapeRegex = (str) => str.replace(REGEX_SPECIAL_CHARS_GLOBAL, "\\$1");
    exports.toPosixSlashes = (str) => str.replace(REGEX_BACKSLASH, "/");
    exports.isWindows = () => {
      if (typeof navigator !== "undefined" && navigator.platform) {
        const platform = navigator.platform.toLowerCase();
        return platform === "win32" || platform === "windows";
      }
      if (typeof process !== "undefined" && process.platform) {
        return process.platform === "win32";
      }
      return false;
    };
    exports.removeBackslashes = (str) => {
      return str.replace(REGEX_REMOVE_BACKSLASH, (match) => {
        return match === "\\" ? "" : match;
      });
    };
    exports.escapeLast = (input, char, lastIdx) => {
      const idx = input.lastIndexOf(char, lastIdx);
      if (idx === -1) return input;
      if (input[idx - 1] === "\\") return exports.escapeLast(input, char, idx - 1);
      return `${input.slice(0, idx)}\\${input.slice(idx)}`;
    };
    exports.removePrefix = (input, state = {}) => {
      let output = input;
      if (output.startsWith("./")) {
        output = output.slice(2);
        state.prefix = "./";
      }
      return output;
    };
    exports.wrapOutput = (input, state = {}, options = {}) => {
      const prepend = options.contains ? "" : "^";
      const append2 = options.contains ? "" : "$";
      let output = `${prepend}(?:${input})${append2}`;
      if (state.negated === true) {
        output = `(?:^(?!${output}).*$)`;
      }
      return output;
    };
    exports.basename = (path27, { windows } = {}) => {
      const segs = path27.split(windows ? /[\\/]/ : "/");
      const last = segs[segs.length - 1];
      if (last === "") {
        return segs[segs.length - 2];
      }
      return last;
    };
  }
});

// node_modules/picomatch/lib/scan.js
var require_scan = __commonJS({
  "node_modules/picomatch/lib/scan.js"(exports, module) {
    "use strict";
    var utils = require_utils();
    var {
      CHAR_ASTERISK,
      /* * */
      CHAR_AT,
      /* @ */
      CHAR_BACKWARD_SLASH,
      /* \ */
      CHAR_COMMA,
      /* , */
      CHAR_DOT,
      /* . */
      CHAR_EXCLAMATION_MARK,
      /* ! */
      CHAR_FORWARD_SLASH,
      /* / */
      CHAR_LEFT_CURLY_BRACE,
      /* { */
      CHAR_LEFT_PARENTHESES,
      /* ( */
      CHAR_LEFT_SQUARE_BRACKET,
      /* [ */
      CHAR_PLUS,
      /* + */
      CHAR_QUESTION_MARK,
      /* ? */
      CHAR_RIGHT_CURLY_BRACE,
      /* } */
      CHAR_RIGHT_PARENTHESES,
      /* ) */
      CHAR_RIGHT_SQUARE_BRACKET
      /* ] */
    } = require_constants();
    var isPathSeparator = (code) => {
      return code === CHAR_FORWARD_SLASH || code === CHAR_BACKWARD_SLASH;
    };
    var depth = (token) => {
      if (token.isPrefix !== true) {
        token.depth = token.isGlobstar ? Infinity : 1;
      }
    };
    var scan = (input, options) => {
      const opts = options || {};
      const length = input.length - 1;
      const scanToEnd = opts.parts === true || opts.tokens === true || opts.scanToEnd === true;
      const slashes = [];
      const tokens = [];
      const parts = [];
      let str = input;
      let index = -1;
      let start = 0;
      let lastIndex = 0;
      let isBrace = false;
      let isBracket = false;
      let isGlob = false;
      let isExtglob = false;
      let isGlobstar = false;
      let braceEscaped = false;
      let backslashes = false;
      let negated = false;
      let negatedExtglob = false;
      let finished = false;
      let braces = 0;
      let prev;
      let code;
      let token = { value: "", depth: 0, isGlob: false };
      const eos = () => index >= length;
      const peek = () => str.charCodeAt(index + 1);
      const advance = () => {
        prev = code;
        return str.charCodeAt(++index);
      };
      while (index < length) {
        code = advance();
        let next;
        if (code === CHAR_BACKWARD_SLASH) {
          backslashes = token.backslashes = true;
          code = advance();
          if (code === CHAR_LEFT_CURLY_BRACE) {
            braceEscaped = true;
          }
          continue;
        }
        if (braceEscaped === true || code === CHAR_LEFT_CURLY_BRACE) {
          braces++;
          while (eos() !== true && (code = advance())) {
            if (code === CHAR_BACKWARD_SLASH) {
              backslashes = token.backslashes = true;
              advance();
              continue;
            }
            if (code === CHAR_LEFT_CURLY_BRACE) {
              braces++;
              continue;
            }
            if (braceEscaped !== true && code === CHAR_DOT && (code = advance()) === CHAR_DOT) {
              isBrace = token.isBrace = true;
              isGlob = token.isGlob = true;
              finished = true;
              if (scanToEnd === true) {
                continue;
              }
              break;
            }
            if (braceEscaped !== true && code === CHAR_COMMA) {
              isBrace = token.isBrace = true;
              isGlob = token.isGlob = true;
              finished = true;
              if (scanToEnd === true) {
                continue;
              }
              break;
            }
            if (code === CHAR_RIGHT_CURLY_BRACE) {
              braces--;
              if (braces === 0) {
                braceEscaped = false;
                isBrace = token.isBrace = true;
                finished = true;
                break;
              }
            }
          }
          if (scanToEnd === true) {
            continue;
          }
          break;
        }
        if (code === CHAR_FORWARD_SLASH) {
          slashes.push(index);
          tokens.push(token);
          token = { value: "", depth: 0, isGlob: false };
          if (finished === true) continue;
          if (prev === CHAR_DOT && index === start + 1) {
            start += 2;
            continue;
          }
          lastIndex = index + 1;
          continue;
        }
        if (opts.noext !== true) {
          const isExtglobChar = code === CHAR_PLUS || code === CHAR_AT || code === CHAR_ASTERISK || code === CHAR_QUESTION_MARK || code === CHAR_EXCLAMATION_MARK;
          if (isExtglobChar === true && peek() === CHAR_LEFT_PARENTHESES) {
            isGlob = token.isGlob = true;
            isExtglob = token.isExtglob = true;
            finished = true;
            if (code === CHAR_EXCLAMATION_MARK && index === start) {
              negatedExtglob = true;
            }
            if (scanToEnd === true) {
              let parens = 0;
              while (eos() !== true && (code = advance())) {
                if (code === CHAR_BACKWARD_SLASH) {
                  backslashes = token.backslashes = true;
                  advance();
                  continue;
                }
                if (code === CHAR_LEFT_PARENTHESES) {
                  parens++;
                  continue;
                }
                if (code === CHAR_RIGHT_PARENTHESES && --parens === 0) {
                  finished = true;
                  break;
                }
              }
              continue;
            }
            break;
          }
        }
        if (code === CHAR_ASTERISK) {
          if (prev === CHAR_ASTERISK) isGlobstar = token.isGlobstar = true;
          isGlob = token.isGlob = true;
          finished = true;
          if (scanToEnd === true) {
            continue;
          }
          break;
        }
        if (code === CHAR_QUESTION_MARK) {
          isGlob = token.isGlob = true;
          finished = true;
          if (scanToEnd === true) {
            continue;
          }
          break;
        }
        if (code === CHAR_LEFT_SQUARE_BRACKET) {
          while (eos() !== true && (next = advance())) {
            if (next === CHAR_BACKWARD_SLASH) {
              backslashes = token.backslashes = true;
              advance();
              continue;
            }
            if (next === CHAR_RIGHT_SQUARE_BRACKET) {
              isBracket = token.isBracket = true;
              isGlob = token.isGlob = true;
              finished = true;
              break;
            }
          }
          if (scanToEnd === true) {
            continue;
          }
          break;
        }
        if (opts.nonegate !== true && code === CHAR_EXCLAMATION_MARK && index === start) {
          negated = token.negated = true;
          start++;
          continue;
        }
        if (opts.noparen !== true && code === CHAR_LEFT_PARENTHESES) {
          isGlob = token.isGlob = true;
          if (scanToEnd === true) {
            let parens = 1;
            while (eos() !== true && (code = advance())) {
              if (code === CHAR_BACKWARD_SLASH) {
                backslashes = token.backslashes = true;
                advance();
                continue;
              }
              if (code === CHAR_LEFT_PARENTHESES) {
                parens++;
                continue;
              }
              if (code === CHAR_RIGHT_PARENTHESES && --parens === 0) {
                finished = true;
                break;
              }
            }
            continue;
          }
          break;
        }
        if (isGlob === true) {
          finished = true;
          if (scanToEnd === true) {
            continue;
          }
          break;
        }
      }
      if (opts.noext === true) {
        isExtglob = false;
        isGlob = false;
      }
      let base = str;
      let prefix = "";
      let glob = "";
      if (start > 0) {
        prefix = str.slice(0, start);
        str = str.slice(start);
        lastIndex -= start;
      }
      if (base && isGlob === true && lastIndex > 0) {
        base = str.slice(0, lastIndex);
        glob = str.slice(lastIndex);
      } else if (isGlob === true) {
        base = "";
        glob = str;
      } else {
        base = str;
      }
      if (base && base !== "" && base !== "/" && base !== str) {
        if (isPathSeparator(base.charCodeAt(base.length - 1))) {
          base = base.slice(0, -1);
        }
      }
      if (opts.unescape === true) {
        if (glob) glob = utils.removeBackslashes(glob);
        if (base && backslashes === true) {
          base = utils.removeBackslashes(base);
        }
      }
      const state = {
        prefix,
        input,
        start,
        base,
        glob,
        isBrace,
        isBracket,
        isGlob,
        isExtglob,
        isGlobstar,
        negated,
        negatedExtglob
      };
      if (opts.tokens === true) {
        state.maxDepth = 0;
        if (!isPathSeparator(code)) {
          tokens.push(token);
        }
        state.tokens = tokens;
      }
      if (opts.parts === true || opts.tokens === true) {
        let prevIndex;
        for (let idx = 0; idx < slashes.length; idx++) {
          const n2 = prevIndex !== void 0 ? prevIndex + 1 : start;
          const i = slashes[idx];
          const value2 = input.slice(n2, i);
          if (opts.tokens) {
            if (idx === 0 && start !== 0) {
              tokens[idx].isPrefix = true;
              tokens[idx].value = prefix;
            } else {
              tokens[idx].value = value2;
            }
            depth(tokens[idx]);
            state.maxDepth += tokens[idx].depth;
          }
          if (i >= start) {
            parts.push(value2);
            prevIndex = i;
          }
        }
        const n = prevIndex !== void 0 ? prevIndex + 1 : start;
        const value = input.slice(n);
        parts.push(value);
        if (opts.tokens && prevIndex && prevIndex + 1 < input.length) {
          tokens[tokens.length - 1].value = value;
          depth(tokens[tokens.length - 1]);
          state.maxDepth += tokens[tokens.length - 1].depth;
        }
        state.slashes = slashes;
        state.parts = parts;
      }
      return state;
    };
    module.exports = scan;
  }
});

// node_modules/picomatch/lib/parse.js
var require_parse = __commonJS({
  "node_modules/picomatch/lib/parse.js"(exports, module) {
    "use strict";
    var constants = require_constants();
    var utils = require_utils();
    var {
      MAX_LENGTH,
      POSIX_REGEX_SOURCE,
      REGEX_NON_SPECIAL_CHARS,
      REGEX_SPECIAL_CHARS_BACKREF,
      REPLACEMENTS
    } = constants;
    var expandRange = (args, options) => {
      if (typeof options.expandRange === "function") {
        return options.expandRange(...args, options);
      }
      args.sort();
      const value = `[${args.join("-")}]`;
      try {
        new RegExp(value);
      } catch (ex) {
        return args.map((v) => utils.escapeRegex(v)).join("..");
      }
      return value;
    };
    var syntaxError = (type, char) => {
      return `Missing ${type}: "${char}" - use "\\\\${char}" to match literal characters`;
    };
    var splitTopLevel = (input) => {
      const parts = [];
      let bracket = 0;
      let paren = 0;
      let quote = 0;
      let value = "";
      let escaped = false;
      for (const ch of input) {
        if (escaped === true) {
          value += ch;
          escaped = false;
          continue;
        }
        if (ch === "\\") {
          value += ch;
          escaped = true;
          continue;
        }
        if (ch === '"') {
          quote = quote === 1 ? 0 : 1;
          value += ch;
          continue;
        }
        if (quote === 0) {
          if (ch === "[") {
            bracket++;
          } else if (ch === "]" && bracket > 0) {
            bracket--;
          } else if (bracket === 0) {
            if (ch === "(") {
              paren++;
            } else if (ch === ")" && paren > 0) {
              paren--;
            } else if (ch === "|" && paren === 0) {
              parts.push(value);
              value = "";
              continue;
            }
          }
        }
        value += ch;
      }
      parts.push(value);
      return parts;
    };
    var isPlainBranch = (branch) => {
      let escaped = false;
      for (const ch of branch) {
        if (escaped === true) {
          escaped = false;
          continue;
        }
        if (ch === "\\") {
          escaped = true;
          continue;
        }
        if (/[?*+@!()[\]{}]/.test(ch)) {
          return false;
        }
      }
      return true;
    };
    var normalizeSimpleBranch = (branch) => {
      let value = branch.trim();
      let changed = true;
      while (changed === true) {
        changed = false;
        if (/^@\([^\\()[\]{}|]+\)$/.test(value)) {
          value = value.slice(2, -1);
          changed = true;
        }
      }
      if (!isPlainBranch(value)) {
        return;
      }
      return value.replace(/\\(.)/g, "$1");
    };
    var hasRepeatedCharPrefixOverlap = (branches) => {
      const values = branches.map(normalizeSimpleBranch).filter(Boolean);
      for (let i = 0; i < values.length; i++) {
        for (let j = i + 1; j < values.length; j++) {
          const a = values[i];
          const b = values[j];
          const char = a[0];
          if (!char || a !== char.repeat(a.length) || b !== char.repeat(b.length)) {
            continue;
          }
          if (a === b || a.startsWith(b) || b.startsWith(a)) {
            return true;
          }
        }
      }
      return false;
    };
    var parseRepeatedExtglob = (pattern, requireEnd = true) => {
      if (pattern[0] !== "+" && pattern[0] !== "*" || pattern[1] !== "(") {
        return;
      }
      let bracket = 0;
      let paren = 0;
      let quote = 0;
      let escaped = false;
      for (let i = 1; i < pattern.length; i++) {
        const ch = pattern[i];
        if (escaped === true) {
          escaped = false;
          continue;
        }
        if (ch === "\\") {
          escaped = true;
          continue;
        }
        if (ch === '"') {
          quote = quote === 1 ? 0 : 1;
          continue;
        }
        if (quote === 1) {
          continue;
        }
        if (ch === "[") {
          bracket++;
          continue;
        }
        if (ch === "]" && bracket > 0) {
          bracket--;
          continue;
        }
        if (bracket > 0) {
          continue;
        }
        if (ch === "(") {
          paren++;
          continue;
        }
        if (ch === ")") {
          paren--;
          if (paren === 0) {
            if (requireEnd === true && i !== pattern.length - 1) {
              return;
            }
            return {
              type: pattern[0],
              body: pattern.slice(2, i),
              end: i
            };
          }
        }
      }
    };
    var buildCharClassStar = (chars) => {
      const source = chars.length === 1 ? utils.escapeRegex(chars[0]) : `[${chars.map((ch) => utils.escapeRegex(ch)).join("")}]`;
      return `${source}*`;
    };
    var getStarExtglobSequenceChars = (pattern) => {
      let index = 0;
      const chars = [];
      while (index < pattern.length) {
        const match = parseRepeatedExtglob(pattern.slice(index), false);
        if (!match || match.type !== "*") {
          return;
        }
        const branches = splitTopLevel(match.body).map((branch2) => branch2.trim());
        if (branches.length !== 1) {
          return;
        }
        const branch = normalizeSimpleBranch(branches[0]);
        if (!branch || branch.length !== 1) {
          return;
        }
        chars.push(branch);
        index += match.end + 1;
      }
      if (chars.length < 1) {
        return;
      }
      return chars;
    };
    var repeatedExtglobRecursion = (pattern) => {
      let depth = 0;
      let value = pattern.trim();
      let match = parseRepeatedExtglob(value);
      while (match) {
        depth++;
        value = match.body.trim();
        match = parseRepeatedExtglob(value);
      }
      return depth;
    };
    var analyzeRepeatedExtglob = (body, options) => {
      if (options.maxExtglobRecursion === false) {
        return { risky: false };
      }
      const max = typeof options.maxExtglobRecursion === "number" ? options.maxExtglobRecursion : constants.DEFAULT_MAX_EXTGLOB_RECURSION;
      const branches = splitTopLevel(body).map((branch) => branch.trim());
      if (branches.length > 1) {
        if (branches.some((branch) => branch === "") || branches.some((branch) => /^[*?]+$/.test(branch)) || hasRepeatedCharPrefixOverlap(branches)) {
          return { risky: true };
        }
      }
      const safeChars = [];
      let sawStarSequence = false;
      let combinable = true;
      for (const branch of branches) {
        const chars = getStarExtglobSequenceChars(branch);
        if (chars) {
          sawStarSequence = true;
          safeChars.push(...chars);
          continue;
        }
        const literal = normalizeSimpleBranch(branch);
        if (literal && literal.length === 1) {
          safeChars.push(literal);
          continue;
        }
        combinable = false;
        if (repeatedExtglobRecursion(branch) > max) {
          return { risky: true };
        }
      }
      if (sawStarSequence) {
        return combinable ? { risky: true, safeOutput: buildCharClassStar([...new Set(safeChars)]) } : { risky: true };
      }
      return { risky: false };
    };
    var parse2 = (input, options) => {
      if (typeof input !== "string") {
        throw new TypeError("Expected a string");
      }
      input = REPLACEMENTS[input] || input;
      const opts = { ...options };
      const max = typeof opts.maxLength === "number" ? Math.min(MAX_LENGTH, opts.maxLength) : MAX_LENGTH;
      let len = input.length;
      if (len > max) {
        throw new SyntaxError(`Input length: ${len}, exceeds maximum allowed length: ${max}`);
      }
      const bos = { type: "bos", value: "", output: opts.prepend || "" };
      const tokens = [bos];
      const capture = opts.capture ? "" : "?:";
      const PLATFORM_CHARS = constants.globChars(opts.windows);
      const EXTGLOB_CHARS = constants.extglobChars(PLATFORM_CHARS);
      const {
        DOT_LITERAL,
        PLUS_LITERAL,
        SLASH_LITERAL,
        ONE_CHAR,
        DOTS_SLASH,
        NO_DOT,
        NO_DOT_SLASH,
        NO_DOTS_SLASH,
        QMARK,
        QMARK_NO_DOT,
        STAR,
        START_ANCHOR
      } = PLATFORM_CHARS;
      const globstar = (opts2) => {
        return `(${capture}(?:(?!${START_ANCHOR}${opts2.dot ? DOTS_SLASH : DOT_LITERAL}).)*?)`;
      };
      const nodot = opts.dot ? "" : NO_DOT;
      const qmarkNoDot = opts.dot ? QMARK : QMARK_NO_DOT;
      let star = opts.bash === true ? globstar(opts) : STAR;
      if (opts.capture) {
        star = `(${star})`;
      }
      if (typeof opts.noext === "boolean") {
        opts.noextglob = opts.noext;
      }
      const state = {
        input,
        index: -1,
        start: 0,
        dot: opts.dot === true,
        consumed: "",
        output: "",
        prefix: "",
        backtrack: false,
        negated: false,
        brackets: 0,
        braces: 0,
        parens: 0,
        quotes: 0,
        globstar: false,
        tokens
      };
      input = utils.removePrefix(input, state);
      len = input.length;
      const extglobs = [];
      const braces = [];
      const stack = [];
      let prev = bos;
      let value;
      const eos = () => state.index === len - 1;
      const peek = state.peek = (n = 1) => input[state.index + n];
      const advance = state.advance = () => input[++state.index] || "";
      const remaining = () => input.slice(state.index + 1);
      const consume = (value2 = "", num = 0) => {
        state.consumed += value2;
        state.index += num;
      };
      const append2 = (token) => {
        state.output += token.output != null ? token.output : token.value;
        consume(token.value);
      };
      const negate = () => {
        let count = 1;
        while (peek() === "!" && (peek(2) !== "(" || peek(3) === "?")) {
          advance();
          state.start++;
          count++;
        }
        if (count % 2 === 0) {
          return false;
        }
        state.negated = true;
        state.start++;
        return true;
      };
      const increment = (type) => {
        state[type]++;
        stack.push(type);
      };
      const decrement = (type) => {
        state[type]--;
        stack.pop();
      };
      const push = (tok) => {
        if (prev.type === "globstar") {
          const isBrace = state.braces > 0 && (tok.type === "comma" || tok.type === "brace");
          const isExtglob = tok.extglob === true || extglobs.length && (tok.type === "pipe" || tok.type === "paren");
          if (tok.type !== "slash" && tok.type !== "paren" && !isBrace && !isExtglob) {
            state.output = state.output.slice(0, -prev.output.length);
            prev.type = "star";
            prev.value = "*";
            prev.output = star;
            state.output += prev.output;
          }
        }
        if (extglobs.length && tok.type !== "paren") {
          extglobs[extglobs.length - 1].inner += tok.value;
        }
        if (tok.value || tok.output) append2(tok);
        if (prev && prev.type === "text" && tok.type === "text") {
          prev.output = (prev.output || prev.value) + tok.value;
          prev.value += tok.value;
          return;
        }
        tok.prev = prev;
        tokens.push(tok);
        prev = tok;
      };
      const extglobOpen = (type, value2) => {
        const token = { ...EXTGLOB_CHARS[value2], conditions: 1, inner: "" };
        token.prev = prev;
        token.parens = state.parens;
        token.output = state.output;
        token.startIndex = state.index;
        token.tokensIndex = tokens.length;
        const output = (opts.capture ? "(" : "") + token.open;
        increment("parens");
        push({ type, value: value2, output: state.output ? "" : ONE_CHAR });
        push({ type: "paren", extglob: true, value: advance(), output });
        extglobs.push(token);
      };
      const extglobClose = (token) => {
        const literal = input.slice(token.startIndex, state.index + 1);
        const body = input.slice(token.startIndex + 2, state.index);
        const analysis = analyzeRepeatedExtglob(body, opts);
        if ((token.type === "plus" || token.type === "star") && analysis.risky) {
          const safeOutput = analysis.safeOutput ? (token.output ? "" : ONE_CHAR) + (opts.capture ? `(${analysis.safeOutput})` : analysis.safeOutput) : void 0;
          const open = tokens[token.tokensIndex];
          open.type = "text";
          open.value = literal;
          open.output = safeOutput || utils.escapeRegex(literal);
          for (let i = token.tokensIndex + 1; i < tokens.length; i++) {
            tokens[i].value = "";
            tokens[i].output = "";
            delete tokens[i].suffix;
          }
          state.output = token.output + open.output;
          state.backtrack = true;
          push({ type: "paren", extglob: true, value, output: "" });
          decrement("parens");
          return;
        }
        let output = token.close + (opts.capture ? ")" : "");
        let rest;
        if (token.type === "negate") {
          let extglobStar = star;
          if (token.inner && token.inner.length > 1 && token.inner.includes("/")) {
            extglobStar = globstar(opts);
          }
          if (extglobStar !== star || eos() || /^\)+$/.test(remaining())) {
            output = token.close = `)$))${extglobStar}`;
          }
          if (token.inner.includes("*") && (rest = remaining()) && /^\.[^\\/.]+$/.test(rest)) {
            const expression = parse2(rest, { ...options, fastpaths: false }).output;
            output = token.close = `)${expression})${extglobStar})`;
          }
          if (token.prev.type === "bos") {
            state.negatedExtglob = true;
          }
        }
        push({ type: "paren", extglob: true, value, output });
        decrement("parens");
      };
      if (opts.fastpaths !== false && !/(^[*!]|[/()[\]{}"])/.test(input)) {
        let backslashes = false;
        let output = input.replace(REGEX_SPECIAL_CHARS_BACKREF, (m, esc, chars, first, rest, index) => {
          if (first === "\\") {
            backslashes = true;
            return m;
          }
          if (first === "?") {
            if (esc) {
              return esc + first + (rest ? QMARK.repeat(rest.length) : "");
            }
            if (index === 0) {
              return qmarkNoDot + (rest ? QMARK.repeat(rest.length) : "");
            }
            return QMARK.repeat(chars.length);
          }
          if (first === ".") {
            return DOT_LITERAL.repeat(chars.length);
          }
          if (first === "*") {
            if (esc) {
              return esc + first + (rest ? star : "");
            }
            return star;
          }
          return esc ? m : `\\${m}`;
        });
        if (backslashes === true) {
          if (opts.unescape === true) {
            output = output.replace(/\\/g, "");
          } else {
            output = output.replace(/\\+/g, (m) => {
              return m.length % 2 === 0 ? "\\\\" : m ? "\\" : "";
            });
          }
        }
        if (output === input && opts.contains === true) {
          state.output = input;
          return state;
        }
        state.output = utils.wrapOutput(output, state, options);
        return state;
      }
      while (!eos()) {
        value = advance();
        if (value === "\0") {
          continue;
        }
        if (value === "\\") {
          const next = peek();
          if (next === "/" && opts.bash !== true) {
            continue;
          }
          if (next === "." || next === ";") {
            continue;
          }
          if (!next) {
            value += "\\";
            push({ type: "text", value });
            continue;
          }
          const match = /^\\+/.exec(remaining());
          let slashes = 0;
          if (match && match[0].length > 2) {
            slashes = match[0].length;
            state.index += slashes;
            if (slashes % 2 !== 0) {
              value += "\\";
            }
          }
          if (opts.unescape === true) {
            value = advance();
          } else {
            value += advance();
          }
          if (state.brackets === 0) {
            push({ type: "text", value });
            continue;
          }
        }
        if (state.brackets > 0 && (value !== "]" || prev.value === "[" || prev.value === "[^")) {
          if (opts.posix !== false && value === ":") {
            const inner = prev.value.slice(1);
            if (inner.includes("[")) {
              prev.posix = true;
              if (inner.includes(":")) {
                const idx = prev.value.lastIndexOf("[");
                const pre = prev.value.slice(0, idx);
                const rest2 = prev.value.slice(idx + 2);
                const posix3 = POSIX_REGEX_SOURCE[rest2];
                if (posix3) {
                  prev.value = pre + posix3;
                  state.backtrack = true;
                  advance();
                  if (!bos.output && tokens.indexOf(prev) === 1) {
                    bos.output = ONE_CHAR;
                  }
                  continue;
                }
              }
            }
          }
          if (value === "[" && peek() !== ":" || value === "-" && peek() === "]") {
            value = `\\${value}`;
          }
          if (value === "]" && (prev.value === "[" || prev.value === "[^")) {
            value = `\\${value}`;
          }
          if (opts.posix === true && value === "!" && prev.value === "[") {
            value = "^";
          }
          prev.value += value;
          append2({ value });
          continue;
        }
        if (state.quotes === 1 && value !== '"') {
          value = utils.escapeRegex(value);
          prev.value += value;
          append2({ value });
          continue;
        }
        if (value === '"') {
          state.quotes = state.quotes === 1 ? 0 : 1;
          if (opts.keepQuotes === true) {
            push({ type: "text", value });
          }
          continue;
        }
        if (value === "(") {
          increment("parens");
          push({ type: "paren", value });
          continue;
        }
        if (value === ")") {
          if (state.parens === 0 && opts.strictBrackets === true) {
            throw new SyntaxError(syntaxError("opening", "("));
          }
          const extglob = extglobs[extglobs.length - 1];
          if (extglob && state.parens === extglob.parens + 1) {
            extglobClose(extglobs.pop());
            continue;
          }
          push({ type: "paren", value, output: state.parens ? ")" : "\\)" });
          decrement("parens");
          continue;
        }
        if (value === "[") {
          if (opts.nobracket === true || !remaining().includes("]")) {
            if (opts.nobracket !== true && opts.strictBrackets === true) {
              throw new SyntaxError(syntaxError("closing", "]"));
            }
            value = `\\${value}`;
          } else {
            increment("brackets");
          }
          push({ type: "bracket", value });
          continue;
        }
        if (value === "]") {
          if (opts.nobracket === true || prev && prev.type === "bracket" && prev.value.length === 1) {
            push({ type: "text", value, output: `\\${value}` });
            continue;
          }
          if (state.brackets === 0) {
            if (opts.strictBrackets === true) {
              throw new SyntaxError(syntaxError("opening", "["));
            }
            push({ type: "text", value, output: `\\${value}` });
            continue;
          }
          decrement("brackets");
          const prevValue = prev.value.slice(1);
          if (prev.posix !== true && prevValue[0] === "^" && !prevValue.includes("/")) {
            value = `/${value}`;
          }
          prev.value += value;
          append2({ value });
          if (opts.literalBrackets === false || utils.hasRegexChars(prevValue)) {
            continue;
          }
          const escaped = utils.escapeRegex(prev.value);
          state.output = state.output.slice(0, -prev.value.length);
          if (opts.literalBrackets === true) {
            state.output += escaped;
            prev.value = escaped;
            continue;
          }
          prev.value = `(${capture}${escaped}|${prev.value})`;
          state.output += prev.value;
          continue;
        }
        if (value === "{" && opts.nobrace !== true) {
          increment("braces");
          const open = {
            type: "brace",
            value,
            output: "(",
            outputIndex: state.output.length,
            tokensIndex: state.tokens.length
          };
          braces.push(open);
          push(open);
          continue;
        }
        if (value === "}") {
          const brace = braces[braces.length - 1];
          if (opts.nobrace === true || !brace) {
            push({ type: "text", value, output: value });
            continue;
          }
          let output = ")";
          if (brace.dots === true) {
            const arr = tokens.slice();
            const range = [];
            for (let i = arr.length - 1; i >= 0; i--) {
              tokens.pop();
              if (arr[i].type === "brace") {
                break;
              }
              if (arr[i].type !== "dots") {
                range.unshift(arr[i].value);
              }
            }
            output = expandRange(range, opts);
            state.backtrack = true;
          }
          if (brace.comma !== true && brace.dots !== true) {
            const out = state.output.slice(0, brace.outputIndex);
            const toks = state.tokens.slice(brace.tokensIndex);
            brace.value = brace.output = "\\{";
            value = output = "\\}";
            state.output = out;
            for (const t of toks) {
              state.output += t.output || t.value;
            }
          }
          push({ type: "brace", value, output });
          decrement("braces");
          braces.pop();
          continue;
        }
        if (value === "|") {
          if (extglobs.length > 0) {
            extglobs[extglobs.length - 1].conditions++;
          }
          push({ type: "text", value });
          continue;
        }
        if (value === ",") {
          let output = value;
          const brace = braces[braces.length - 1];
          if (brace && stack[stack.length - 1] === "braces") {
            brace.comma = true;
            output = "|";
          }
          push({ type: "comma", value, output });
          continue;
        }
        if (value === "/") {
          if (prev.type === "dot" && state.index === state.start + 1) {
            state.start = state.index + 1;
            state.consumed = "";
            state.output = "";
            tokens.pop();
            prev = bos;
            continue;
          }
          push({ type: "slash", value, output: SLASH_LITERAL });
          continue;
        }
        if (value === ".") {
          if (state.braces > 0 && prev.type === "dot") {
            if (prev.value === ".") prev.output = DOT_LITERAL;
            const brace = braces[braces.length - 1];
            prev.type = "dots";
            prev.output += value;
            prev.value += value;
            brace.dots = true;
            continue;
          }
          if (state.braces + state.parens === 0 && prev.type !== "bos" && prev.type !== "slash") {
            push({ type: "text", value, output: DOT_LITERAL });
            continue;
          }
          push({ type: "dot", value, output: DOT_LITERAL });
          continue;
        }
        if (value === "?") {
          const isGroup = prev && prev.value === "(";
          if (!isGroup && opts.noextglob !== true && peek() === "(" && peek(2) !== "?") {
            extglobOpen("qmark", value);
            continue;
          }
          if (prev && prev.type === "paren") {
            const next = peek();
            let output = value;
            if (prev.value === "(" && !/[!=<:]/.test(next) || next === "<" && !/<([!=]|\w+>)/.test(remaining())) {
              output = `\\${value}`;
            }
            push({ type: "text", value, output });
            continue;
          }
          if (opts.dot !== true && (prev.type === "slash" || prev.type === "bos")) {
            push({ type: "qmark", value, output: QMARK_NO_DOT });
            continue;
          }
          push({ type: "qmark", value, output: QMARK });
          continue;
        }
        if (value === "!") {
          if (opts.noextglob !== true && peek() === "(") {
            if (peek(2) !== "?" || !/[!=<:]/.test(peek(3))) {
              extglobOpen("negate", value);
              continue;
            }
          }
          if (opts.nonegate !== true && state.index === 0) {
            negate();
            continue;
          }
        }
        if (value === "+") {
          if (opts.noextglob !== true && peek() === "(" && peek(2) !== "?") {
            extglobOpen("plus", value);
            continue;
          }
          if (prev && prev.value === "(" || opts.regex === false) {
            push({ type: "plus", value, output: PLUS_LITERAL });
            continue;
          }
          if (prev && (prev.type === "bracket" || prev.type === "paren" || prev.type === "brace") || state.parens > 0) {
            push({ type: "plus", value });
            continue;
          }
          push({ type: "plus", value: PLUS_LITERAL });
          continue;
        }
        if (value === "@") {
          if (opts.noextglob !== true && peek() === "(" && peek(2) !== "?") {
            push({ type: "at", extglob: true, value, output: "" });
            continue;
          }
          push({ type: "text", value });
          continue;
        }
        if (value !== "*") {
          if (value === "$" || value === "^") {
            value = `\\${value}`;
          }
          const match = REGEX_NON_SPECIAL_CHARS.exec(remaining());
          if (match) {
            value += match[0];
            state.index += match[0].length;
          }
          push({ type: "text", value });
          continue;
        }
        if (prev && (prev.type === "globstar" || prev.star === true)) {
          prev.type = "star";
          prev.star = true;
          prev.value += value;
          prev.output = star;
          state.backtrack = true;
          state.globstar = true;
          consume(value);
          continue;
        }
        let rest = remaining();
        if (opts.noextglob !== true && /^\([^?]/.test(rest)) {
          extglobOpen("star", value);
          continue;
        }
        if (prev.type === "star") {
          if (opts.noglobstar === true) {
            consume(value);
            continue;
          }
          const prior = prev.prev;
          const before = prior.prev;
          const isStart = prior.type === "slash" || prior.type === "bos";
          const afterStar = before && (before.type === "star" || before.type === "globstar");
          if (opts.bash === true && (!isStart || rest[0] && rest[0] !== "/")) {
            push({ type: "star", value, output: "" });
            continue;
          }
          const isBrace = state.braces > 0 && (prior.type === "comma" || prior.type === "brace");
          const isExtglob = extglobs.length && (prior.type === "pipe" || prior.type === "paren");
          if (!isStart && prior.type !== "paren" && !isBrace && !isExtglob) {
            push({ type: "star", value, output: "" });
            continue;
          }
          while (rest.slice(0, 3) === "/**") {
            const after = input[state.index + 4];
            if (after && after !== "/") {
              break;
            }
            rest = rest.slice(3);
            consume("/**", 3);
          }
          const isEnd = eos() || state.parens > 0 && rest === ")".repeat(state.parens) && !extglobs.some((extglob) => extglob.type === "negate");
          if (prior.type === "bos" && eos()) {
            prev.type = "globstar";
            prev.value += value;
            prev.output = globstar(opts);
            state.output = prev.output;
            state.globstar = true;
            consume(value);
            continue;
          }
          if (prior.type === "slash" && prior.prev.type !== "bos" && !afterStar && isEnd) {
            state.output = state.output.slice(0, -(prior.output + prev.output).length);
            prior.output = `(?:${prior.output}`;
            prev.type = "globstar";
            prev.output = globstar(opts) + (opts.strictSlashes ? ")" : "|$)");
            prev.value += value;
            state.globstar = true;
            state.output += prior.output + prev.output;
            consume(value);
            continue;
          }
          if (prior.type === "slash" && prior.prev.type !== "bos" && rest[0] === "/") {
            const end = rest[1] !== void 0 ? "|$" : "";
            state.output = state.output.slice(0, -(prior.output + prev.output).length);
            prior.output = `(?:${prior.output}`;
            prev.type = "globstar";
            prev.output = `${globstar(opts)}${SLASH_LITERAL}|${SLASH_LITERAL}${end})`;
            prev.value += value;
            state.output += prior.output + prev.output;
            state.globstar = true;
            consume(value + advance());
            push({ type: "slash", value: "/", output: "" });
            continue;
          }
          if (prior.type === "bos" && rest[0] === "/") {
            prev.type = "globstar";
            prev.value += value;
            prev.output = `(?:^|${SLASH_LITERAL}|${globstar(opts)}${SLASH_LITERAL})`;
            state.output = prev.output;
            state.globstar = true;
            consume(value + advance());
            push({ type: "slash", value: "/", output: "" });
            continue;
          }
          state.output = state.output.slice(0, -prev.output.length);
          prev.type = "globstar";
          prev.output = globstar(opts);
          prev.value += value;
          state.output += prev.output;
          state.globstar = true;
          consume(value);
          continue;
        }
        const token = { type: "star", value, output: star };
        if (opts.bash === true) {
          token.output = ".*?";
          if (prev.type === "bos" || prev.type === "slash") {
            token.output = nodot + token.output;
          }
          push(token);
          continue;
        }
        if (prev && (prev.type === "bracket" || prev.type === "paren") && opts.regex === true) {
          token.output = value;
          push(token);
          continue;
        }
        if (state.index === state.start || prev.type === "slash" || prev.type === "dot") {
          if (prev.type === "dot") {
            state.output += NO_DOT_SLASH;
            prev.output += NO_DOT_SLASH;
          } else if (opts.dot === true) {
            state.output += NO_DOTS_SLASH;
            prev.output += NO_DOTS_SLASH;
          } else {
            state.output += nodot;
            prev.output += nodot;
          }
          if (peek() !== "*") {
            state.output += ONE_CHAR;
            prev.output += ONE_CHAR;
          }
        }
        push(token);
      }
      while (state.brackets > 0) {
        if (opts.strictBrackets === true) throw new SyntaxError(syntaxError("closing", "]"));
        state.output = utils.escapeLast(state.output, "[");
        decrement("brackets");
      }
      while (state.parens > 0) {
        if (opts.strictBrackets === true) throw new SyntaxError(syntaxError("closing", ")"));
        state.output = utils.escapeLast(state.output, "(");
        decrement("parens");
      }
      while (state.braces > 0) {
        if (opts.strictBrackets === true) throw new SyntaxError(syntaxError("closing", "}"));
        state.output = utils.escapeLast(state.output, "{");
        decrement("braces");
      }
      if (opts.strictSlashes !== true && (prev.type === "star" || prev.type === "bracket")) {
        push({ type: "maybe_slash", value: "", output: `${SLASH_LITERAL}?` });
      }
      if (state.backtrack === true) {
        state.output = "";
        for (const token of state.tokens) {
          state.output += token.output != null ? token.output : token.value;
          if (token.suffix) {
            state.output += token.suffix;
          }
        }
      }
      return state;
    };
    parse2.fastpaths = (input, options) => {
      const opts = { ...options };
      const max = typeof opts.maxLength === "number" ? Math.min(MAX_LENGTH, opts.maxLength) : MAX_LENGTH;
      const len = input.length;
      if (len > max) {
        throw new SyntaxError(`Input length: ${len}, exceeds maximum allowed length: ${max}`);
      }
      input = REPLACEMENTS[input] || input;
      const {
        DOT_LITERAL,
        SLASH_LITERAL,
        ONE_CHAR,
        DOTS_SLASH,
        NO_DOT,
        NO_DOTS,
        NO_DOTS_SLASH,
        STAR,
        START_ANCHOR
      } = constants.globChars(opts.windows);
      const nodot = opts.dot ? NO_DOTS : NO_DOT;
      const slashDot = opts.dot ? NO_DOTS_SLASH : NO_DOT;
      const capture = opts.capture ? "" : "?:";
      const state = { negated: false, prefix: "" };
      let star = opts.bash === true ? ".*?" : STAR;
      if (opts.capture) {
        star = `(${star})`;
      }
      const globstar = (opts2) => {
        if (opts2.noglobstar === true) return star;
        return `(${capture}(?:(?!${START_ANCHOR}${opts2.dot ? DOTS_SLASH : DOT_LITERAL}).)*?)`;
      };
      const create = (str) => {
        switch (str) {
          case "*":
            return `${nodot}${ONE_CHAR}${star}`;
          case ".*":
            return `${DOT_LITERAL}${ONE_CHAR}${star}`;
          case "*.*":
            return `${nodot}${star}${DOT_LITERAL}${ONE_CHAR}${star}`;
          case "*/*":
            return `${nodot}${star}${SLASH_LITERAL}${ONE_CHAR}${slashDot}${star}`;
          case "**":
            return nodot + globstar(opts);
          case "**/*":
            return `(?:${nodot}${globstar(opts)}${SLASH_LITERAL})?${slashDot}${ONE_CHAR}${star}`;
          case "**/*.*":
            return `(?:${nodot}${globstar(opts)}${SLASH_LITERAL})?${slashDot}${star}${DOT_LITERAL}${ONE_CHAR}${star}`;
          case "**/.*":
            return `(?:${nodot}${globstar(opts)}${SLASH_LITERAL})?${DOT_LITERAL}${ONE_CHAR}${star}`;
          default: {
            const match = /^(.*?)\.(\w+)$/.exec(str);
            if (!match) return;
            const source2 = create(match[1]);
            if (!source2) return;
            return source2 + DOT_LITERAL + match[2];
          }
        }
      };
      const output = utils.removePrefix(input, state);
      let source = create(output);
      if (source && opts.strictSlashes !== true) {
        source += `${SLASH_LITERAL}?`;
      }
      return source;
    };
    module.exports = parse2;
  }
});

// node_modules/picomatch/lib/picomatch.js
var require_picomatch = __commonJS({
  "node_modules/picomatch/lib/picomatch.js"(exports, module) {
    "use strict";
    var scan = require_scan();
    var parse2 = require_parse();
    var utils = require_utils();
    var constants = require_constants();
    var isObject = (val) => val && typeof val === "object" && !Array.isArray(val);
    var picomatch4 = (glob, options, returnState = false) => {
      if (Array.isArray(glob)) {
        const fns = glob.map((input) => picomatch4(input, options, returnState));
        const arrayMatcher = (str) => {
          for (const isMatch of fns) {
            const state2 = isMatch(str);
            if (state2) return state2;
          }
          return false;
        };
        return arrayMatcher;
      }
      const isState = isObject(glob) && glob.tokens && glob.input;
      if (glob === "" || typeof glob !== "string" && !isState) {
        throw new TypeError("Expected pattern to be a non-empty string");
      }
      const opts = options || {};
      const posix3 = opts.windows;
      const regex = isState ? picomatch4.compileRe(glob, options) : picomatch4.makeRe(glob, options, false, true);
      const state = regex.state;
      delete regex.state;
      let isIgnored = () => false;
      if (opts.ignore) {
        const ignoreOpts = { ...options, ignore: null, onMatch: null, onResult: null };
        isIgnored = picomatch4(opts.ignore, ignoreOpts, returnState);
      }
      const matcher = (input, returnObject = false) => {
        const { isMatch, match, output } = picomatch4.test(input, regex, options, { glob, posix: posix3 });
        const result = { glob, state, regex, posix: posix3, input, output, match, isMatch };
        if (typeof opts.onResult === "function") {
          opts.onResult(result);
        }
        if (isMatch === false) {
          result.isMatch = false;
          return returnObject ? result : false;
        }
        if (isIgnored(input)) {
          if (typeof opts.onIgnore === "function") {
            opts.onIgnore(result);
          }
          result.isMatch = false;
          return returnObject ? result : false;
        }
        if (typeof opts.onMatch === "function") {
          opts.onMatch(result);
        }
        return returnObject ? result : true;
      };
      if (returnState) {
        matcher.state = state;
      }
      return matcher;
    };
    picomatch4.test = (input, regex, options, { glob, posix: posix3 } = {}) => {
      if (typeof input !== "string") {
        throw new TypeError("Expected input to be a string");
      }
      if (input === "") {
        return { isMatch: false, output: "" };
      }
      const opts = options || {};
      const format = opts.format || (posix3 ? utils.toPosixSlashes : null);
      let match = input === glob;
      let output = match && format ? format(input) : input;
      if (match === false) {
        output = format ? format(input) : input;
        match = output === glob;
      }
      if (match === false || opts.capture === true) {
        if (opts.matchBase === true || opts.basename === true) {
          match = picomatch4.matchBase(input, regex, options, posix3);
        } else {
          match = regex.exec(output);
        }
      }
      return { isMatch: Boolean(match), match, output };
    };
    picomatch4.matchBase = (input, glob, options, posix3 = options && options.windows) => {
      const regex = glob instanceof RegExp ? glob : picomatch4.makeRe(glob, options);
      return regex.test(utils.basename(input, { windows: posix3 }));
    };
    picomatch4.isMatch = (str, patterns, options) => picomatch4(patterns, options)(str);
    picomatch4.parse = (pattern, options) => {
      if (Array.isArray(pattern)) return pattern.map((p) => picomatch4.parse(p, options));
      return parse2(pattern, { ...options, fastpaths: false });
    };
    picomatch4.scan = (input, options) => scan(input, options);
    picomatch4.compileRe = (state, options, returnOutput = false, returnState = false) => {
      if (returnOutput === true) {
        return state.output;
      }
      const opts = options || {};
      const prepend = opts.contains ? "" : "^";
      const append2 = opts.contains ? "" : "$";
      let source = `${prepend}(?:${state.output})${append2}`;
      if (state && state.negated === true) {
        source = `^(?!${source}).*$`;
      }
      const regex = picomatch4.toRegex(source, options);
      if (returnState === true) {
        regex.state = state;
      }
      return regex;
    };
    picomatch4.makeRe = (input, options = {}, returnOutput = false, returnState = false) => {
      if (!input || typeof input !== "string") {
        throw new TypeError("Expected a non-empty string");
      }
      let parsed = { negated: false, fastpaths: true };
      if (options.fastpaths !== false && (input[0] === "." || input[0] === "*")) {
        parsed.output = parse2.fastpaths(input, options);
      }
      if (!parsed.output) {
        parsed = parse2(input, options);
      }
      return picomatch4.compileRe(parsed, options, returnOutput, returnState);
    };
    picomatch4.toRegex = (source, options) => {
      try {
        const opts = options || {};
        return new RegExp(source, opts.flags || (opts.nocase ? "i" : ""));
      } catch (err) {
        if (options && options.debug === true) throw err;
        return /$^/;
      }
    };
    picomatch4.constants = constants;
    module.exports = picomatch4;
  }
});

// node_modules/picomatch/index.js
var require_picomatch2 = __commonJS({
  "node_modules/picomatch/index.js"(exports, module) {
    "use strict";
    var pico = require_picomatch();
    var utils = require_utils();
    function picomatch4(glob, options, returnState = false) {
      if (options && (options.windows === null || options.windows === void 0)) {
        options = { ...options, windows: utils.isWindows() };
      }
      return pico(glob, options, returnState);
    }
    Object.assign(picomatch4, pico);
    module.exports = picomatch4;
  }
});

// src/build.ts
import { mkdir as mkdir12, mkdtemp as mkdtemp2, rm as rm9 } from "node:fs/promises";
import os2 from "node:os";
import path26 from "node:path";

// src/cache/store.ts
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readdir, rename, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

// src/collect.ts
import { getHeapStatistics } from "node:v8";
import { runInNewContext } from "node:vm";
var BUFFERS_BETWEEN_COLLECTIONS = 12 * 1024 * 1024;
var WATCH_EVERY_MS = 10;
var gc;
var looked = false;
function findGc() {
  if (!looked) {
    looked = true;
    gc = runInNewContext("typeof gc === 'function' ? gc : undefined");
  }
  return gc;
}
function collectGarbage() {
  findGc()?.();
}
async function collectingDroppedBuffers(work) {
  if (!findGc()) return work();
  let mark = getHeapStatistics().external_memory;
  const watch = setInterval(() => {
    const buffers = getHeapStatistics().external_memory;
    if (buffers < mark) mark = buffers;
    if (buffers - mark < BUFFERS_BETWEEN_COLLECTIONS) return;
    collectGarbage();
    mark = getHeapStatistics().external_memory;
  }, WATCH_EVERY_MS);
  try {
    return await work();
  } finally {
    clearInterval(watch);
  }
}

// src/toolkit-env.ts
var CACHE_VARIABLES = [
  "ACTIONS_CACHE_URL",
  "ACTIONS_CACHE_SERVICE_V2",
  "ACTIONS_CACHE_MODE",
  "ACTIONS_RESULTS_URL",
  "ACTIONS_RUNTIME_TOKEN",
  "CACHE_UPLOAD_CHUNK_SIZE",
  "CACHE_UPLOAD_CONCURRENCY",
  "SEGMENT_DOWNLOAD_TIMEOUT_MINS",
  "GITHUB_REF",
  "GITHUB_SERVER_URL",
  "GITHUB_WORKSPACE",
  "RUNNER_TEMP",
  "RUNNER_DEBUG"
];
var ARTIFACT_VARIABLES = [
  "ACTIONS_RESULTS_URL",
  "ACTIONS_RUNTIME_TOKEN",
  "ACTIONS_ARTIFACT_MAX_ARTIFACT_COUNT",
  "ACTIONS_ARTIFACT_UPLOAD_CONCURRENCY",
  "ACTIONS_ARTIFACT_UPLOAD_TIMEOUT_MS",
  "GITHUB_RETENTION_DAYS",
  "GITHUB_SERVER_URL",
  "GITHUB_WORKSPACE",
  "RUNNER_DEBUG"
];
var PROXY_VARIABLES = ["https_proxy", "HTTPS_PROXY", "http_proxy", "HTTP_PROXY", "no_proxy", "NO_PROXY"];
var queue = Promise.resolve();
function withToolkitEnv(env, names2, fn, cwd) {
  const run = async () => {
    const giveBack = borrow(env, names2, cwd);
    try {
      return await fn();
    } finally {
      giveBack();
    }
  };
  const result = queue.then(run, run);
  queue = result.catch(() => void 0);
  return result;
}
function withToolkitEnvSync(env, names2, fn) {
  const giveBack = borrow(env, names2);
  try {
    return fn();
  } finally {
    giveBack();
  }
}
function borrow(env, names2, cwd) {
  const previous = /* @__PURE__ */ new Map();
  const previousCwd = process.cwd();
  for (const name of [...names2, ...PROXY_VARIABLES]) {
    if (previous.has(name)) continue;
    previous.set(name, process.env[name]);
    const value = env[name];
    if (value === void 0) delete process.env[name];
    else process.env[name] = value;
  }
  if (cwd) process.chdir(cwd);
  return () => {
    if (cwd) process.chdir(previousCwd);
    for (const [name, value] of previous) {
      if (value === void 0) delete process.env[name];
      else process.env[name] = value;
    }
  };
}

// src/cache/store.ts
async function inCacheRoot(root, env, fn) {
  await mkdir(root, { recursive: true });
  return withToolkitEnv({ ...env, GITHUB_WORKSPACE: root }, CACHE_VARIABLES, fn, root);
}
var ActionsCacheStore = class {
  /** env: the environment the toolkit reads its service, token and settings from */
  constructor(root, env) {
    this.root = root;
    this.env = env;
  }
  root;
  env;
  kind = "actions";
  description = "the Actions cache";
  /** restored into a folder of this run's RUNNER_TEMP */
  restoresOwnCopy = true;
  checksRestoredBytes = true;
  entryDir(key) {
    return path.join(this.root, key);
  }
  async restore(key) {
    const dir = this.entryDir(key);
    await rm(dir, { recursive: true, force: true });
    const { restoreCache } = await actionsCache();
    const hit = await collectingDroppedBuffers(
      () => inCacheRoot(this.root, this.env, () => restoreCache([key], key, [], {}, false))
    );
    collectGarbage();
    return hit === key && existsSync(path.join(dir, MANIFEST_FILE));
  }
  async save(key) {
    const { saveCache } = await actionsCache();
    const id = await collectingDroppedBuffers(() => inCacheRoot(this.root, this.env, () => saveCache([key], key)));
    return id !== -1;
  }
  async discard(key) {
    await rm(this.entryDir(key), { recursive: true, force: true });
  }
};
var STALE_STAGING_MS = 24 * 60 * 60 * 1e3;
var DirectoryCacheStore = class {
  constructor(root) {
    this.root = root;
  }
  root;
  kind = "directory";
  /** a hit is the published entry every run on the machine reads */
  restoresOwnCopy = false;
  /** a folder's files can change after they were published: each hit is hashed */
  checksRestoredBytes = false;
  /** keys this run restored: their entryDir is the published entry */
  hits = /* @__PURE__ */ new Set();
  staging = /* @__PURE__ */ new Map();
  get description() {
    return `the folder ${this.root}`;
  }
  published(key) {
    return path.join(this.root, key);
  }
  /** the published entry after a hit; else this run's own staging folder for the key */
  entryDir(key) {
    if (this.hits.has(key)) return this.published(key);
    let dir = this.staging.get(key);
    if (!dir) {
      dir = path.join(this.root, STAGING_DIR, `${key}-${process.pid}-${randomBytes(6).toString("hex")}`);
      this.staging.set(key, dir);
    }
    return dir;
  }
  async restore(key) {
    await this.removeStaleStaging();
    const hit = existsSync(path.join(this.published(key), MANIFEST_FILE));
    if (hit) this.hits.add(key);
    return hit;
  }
  async save(key) {
    const dir = this.entryDir(key);
    if (this.hits.has(key)) return true;
    await mkdir(this.root, { recursive: true });
    for (let attempt = 0; ; attempt++) {
      try {
        await rename(dir, this.published(key));
        break;
      } catch (error) {
        const code = error.code;
        if (code !== "ENOTEMPTY" && code !== "EEXIST") throw error;
        if (attempt === 0 && !existsSync(path.join(this.published(key), MANIFEST_FILE))) {
          await this.moveAside(key);
          continue;
        }
        await rm(dir, { recursive: true, force: true });
        break;
      }
    }
    this.staging.delete(key);
    return true;
  }
  async discard(key) {
    if (!this.hits.delete(key)) {
      await rm(this.entryDir(key), { recursive: true, force: true });
      return;
    }
    await this.moveAside(key);
  }
  /**
   * A published entry that failed its check is moved aside in one step, so a run that
   * publishes the key again meanwhile is not deleted with it, then removed.
   */
  async moveAside(key) {
    const aside = path.join(
      this.root,
      STAGING_DIR,
      `discarded-${key}-${process.pid}-${randomBytes(6).toString("hex")}`
    );
    await mkdir(path.dirname(aside), { recursive: true });
    const moved = await rename(this.published(key), aside).then(
      () => true,
      () => false
    );
    if (moved) await rm(aside, { recursive: true, force: true });
  }
  async removeStaleStaging() {
    const dir = path.join(this.root, STAGING_DIR);
    const names2 = await readdir(dir).catch(() => []);
    const now = Date.now();
    for (const name of names2) {
      const info = await stat(path.join(dir, name)).catch(() => void 0);
      if (info && now - info.mtimeMs > STALE_STAGING_MS)
        await rm(path.join(dir, name), { recursive: true, force: true });
    }
  }
};
var STAGING_DIR = ".staging";
function directoryCacheRoot(env) {
  return path.join(env.XDG_CACHE_HOME || path.join(env.HOME || os.homedir(), ".cache"), "lambda-python-package");
}
function actionsCache() {
  return import("./cache-KJOS2OEI.js");
}
async function chooseStore(env) {
  if (env.GITHUB_ACTIONS !== "true") return new DirectoryCacheStore(directoryCacheRoot(env));
  const { isFeatureAvailable } = await actionsCache();
  if (withToolkitEnvSync(env, CACHE_VARIABLES, isFeatureAvailable)) {
    return new ActionsCacheStore(path.join(env.RUNNER_TEMP || os.tmpdir(), "lambda-python-package-cache"), env);
  }
  return new DirectoryCacheStore(directoryCacheRoot(env));
}

// src/dependencies/index.ts
import { mkdir as mkdir7, rm as rm6, stat as stat2 } from "node:fs/promises";
import path9 from "node:path";

// src/build-source/retry.ts
import { mkdir as mkdir4, rm as rm3 } from "node:fs/promises";

// src/build-source/index.ts
import { mkdir as mkdir3, readdir as readdir2, rm as rm2, writeFile } from "node:fs/promises";
import path5 from "node:path";

// src/runtime-python.ts
import { existsSync as existsSync2, readdirSync } from "node:fs";
import path2 from "node:path";
function newestFirst(versions) {
  const key = (v) => v.split(/[.+-]/).map((n) => Number.parseInt(n, 10) || 0);
  return versions.sort((a, b) => {
    const x = key(a);
    const y = key(b);
    for (let i = 0; i < Math.max(x.length, y.length); i++)
      if ((x[i] ?? 0) !== (y[i] ?? 0)) return (y[i] ?? 0) - (x[i] ?? 0);
    return 0;
  });
}
function listDir(dir) {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
function runtimePythonCandidates(minor, requested, env) {
  const prefix = `3.${minor}.`;
  const candidates = [];
  if (requested) candidates.push(requested);
  for (const dir of (env.PATH ?? "").split(path2.delimiter)) {
    if (dir && !dir.includes(`${path2.sep}shims`)) candidates.push(path2.join(dir, `python3.${minor}`));
  }
  if (env.RUNNER_TOOL_CACHE) {
    const base = path2.join(env.RUNNER_TOOL_CACHE, "Python");
    for (const v of newestFirst(listDir(base).filter((v2) => v2.startsWith(prefix)))) {
      for (const arch of ["x64", "arm64"]) candidates.push(path2.join(base, v, arch, "bin", "python3"));
    }
  }
  const pyenvRoot = env.PYENV_ROOT || (env.HOME ? path2.join(env.HOME, ".pyenv") : void 0);
  if (pyenvRoot) {
    const base = path2.join(pyenvRoot, "versions");
    for (const v of newestFirst(listDir(base).filter((v2) => v2.startsWith(prefix) && /^3\.\d+\.\d+$/.test(v2)))) {
      candidates.push(path2.join(base, v, "bin", "python3"));
    }
  }
  return [...new Set(candidates)].filter((c) => c === requested || existsSync2(c));
}
var PROBE = "import sys, importlib.util; print(sys.implementation.name, '%d.%d.%d' % sys.version_info[:3], sys.implementation.cache_tag, importlib.util.MAGIC_NUMBER.hex())";
async function findRuntimePython(minor, requested, env) {
  const tried = [];
  for (const command of runtimePythonCandidates(minor, requested, env)) {
    try {
      const r = await runProcess(command, ["-I", "-S", "-c", PROBE], { env });
      const m = /^(\S+) (3\.(\d+)\.\d+) (\S+) ([0-9a-f]{8})$/m.exec(r.output);
      if (r.code === 0 && m?.[1] === "cpython" && Number(m[3]) === minor) {
        return { python: { command, version: m[2], cacheTag: m[4], magic: m[5] }, tried };
      }
      tried.push(`${command}: ${m ? `${m[1]} ${m[2]}` : `exit ${r.code}`}`);
    } catch (e) {
      tried.push(`${command}: ${e.code === "ENOENT" ? "not found" : e.message}`);
    }
  }
  return { tried };
}
var setupPythonHint = (version) => `add a step \`uses: actions/setup-python@v6\` with \`python-version: "${version}"\` before this one (any runner architecture works: bytecode does not depend on it)`;

// src/build-source/git.ts
import { existsSync as existsSync3 } from "node:fs";
import { mkdir as mkdir2 } from "node:fs/promises";
import path3 from "node:path";

// src/build-source/plan.ts
var SOURCE_DATE_EPOCH = "315619200";
function buildEnvironment(env) {
  const kept = {};
  for (const [name, value] of Object.entries(env)) {
    if (!keptForBuild(name)) continue;
    kept[name] = value;
  }
  return {
    ...kept,
    SOURCE_DATE_EPOCH,
    PIP_DISABLE_PIP_VERSION_CHECK: "1",
    PIP_NO_INPUT: "1",
    PYTHONDONTWRITEBYTECODE: "1",
    GIT_TERMINAL_PROMPT: "0",
    // no remote helpers (`ext::`); no local repository either, but for the lock's own file:// URL (gitEnvironment)
    GIT_ALLOW_PROTOCOL: GIT_NETWORK_PROTOCOLS
  };
}
var GIT_NETWORK_PROTOCOLS = "https:http:ssh:git";
function keptForBuild(name) {
  if (/^(AWS_|ACTIONS_|INPUT_)/i.test(name)) return false;
  if (/^GITHUB_(TOKEN|ENV|PATH|OUTPUT|STATE|STEP_SUMMARY)$/i.test(name)) return false;
  return !/(?:^|_)(?:TOKEN|SECRETS?|PASSWORD|PASSWD|PASSPHRASE|CREDENTIALS?|APIKEY|KEY|PAT)(?:_|$)/i.test(name);
}
function gitEnvironment(buildEnv, url) {
  const local = url !== void 0 && /^file:/i.test(url);
  return { ...buildEnv, GIT_ALLOW_PROTOCOL: local ? `${GIT_NETWORK_PROTOCOLS}:file` : GIT_NETWORK_PROTOCOLS };
}
function sourceLabel(pin2) {
  const build2 = pin2.build;
  if (!build2 || build2.kind === "sdist") return "its source distribution on the index";
  const sub = build2.subdirectory ? ` (${build2.subdirectory})` : "";
  if (build2.kind === "git") return redact(`git ${build2.url} at ${build2.commit}${sub}`);
  return redact(`the archive ${build2.url}${sub}`);
}
function pinLabel(pin2) {
  return pin2.version ? `${pin2.name} ${pin2.version}` : pin2.name;
}
function pipWheelArgs(name, requirementsFile, wheelDir) {
  return [
    "-m",
    "pip",
    "wheel",
    "--no-deps",
    "--wheel-dir",
    wheelDir,
    "--only-binary=:all:",
    `--no-binary=${name}`,
    "--disable-pip-version-check",
    "--no-input",
    "--progress-bar",
    "off",
    "-r",
    requirementsFile
  ];
}
function pinLine(pin2, checkout) {
  const hashes = pin2.hashes.map((h) => ` --hash=${h}`).join("");
  if (checkout !== void 0) return checkout;
  if (pin2.build?.kind === "archive") {
    const sub = pin2.build.subdirectory ? `#subdirectory=${pin2.build.subdirectory}` : "";
    return `${pin2.name} @ ${pin2.build.url}${sub}${hashes}`;
  }
  return `${pin2.name}==${pin2.version}${hashes}`;
}
var OUTPUT_LINES = 40;
var OUTPUT_CHARS = 6e3;
function buildFailure(pin2, code, output) {
  const lines = output.trimEnd().split(/\r?\n/);
  let tail = lines.slice(-OUTPUT_LINES).map((line) => printable(line, OUTPUT_CHARS)).join("\n");
  if (tail.length > OUTPUT_CHARS) tail = `\u2026${tail.slice(-OUTPUT_CHARS)}`;
  const cut = lines.length > OUTPUT_LINES ? ` (its last ${OUTPUT_LINES} lines)` : "";
  return new UserError(
    `building ${pinLabel(pin2)} from ${sourceLabel(pin2)} failed (exit ${code}); the build said${cut}:
${tail}`,
    {
      where: { ...pin2.where, distribution: pin2.name },
      hint: "fix the build (its build requirements come from your indexes as wheels only), publish a wheel of it to your index, or set `build-from-source: never` to refuse sources"
    }
  );
}
var WHEEL_TAGS = /^[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*$/;
function checkBuiltWheel(pin2, filename) {
  const wheel = parseWheelFilename(filename);
  const where = { ...pin2.where, distribution: pin2.name };
  const made = `building ${pinLabel(pin2)} from ${sourceLabel(pin2)} made ${quotedFile(filename)}`;
  const tags = wheel ? filename.slice(0, -4).split("-").slice(2) : [];
  if (!wheel || !tags.every((t) => WHEEL_TAGS.test(t))) {
    throw new UserError(`${made}, which is not a wheel file name (name-version-python-abi-platform.whl)`, {
      where,
      hint: "fix the package's build backend, or publish a wheel of it to your index"
    });
  }
  let version;
  try {
    version = checkVersion(wheel.version, where);
  } catch {
  }
  const sameName = normalizeName(wheel.name) === pin2.name;
  if (sameName && version !== void 0 && (!pin2.version || pin2.version === version)) return wheel;
  throw new UserError(`${made}, not ${pinLabel(pin2)}: another distribution or version than the lock names`, {
    where,
    hint: "lock the source again: the code at that source is another distribution or version than the lock recorded"
  });
}
function unreadableWheel(pin2, filename, why) {
  return new UserError(
    `building ${pinLabel(pin2)} from ${sourceLabel(pin2)} made ${quotedFile(filename)}, which is not a readable wheel: ${printable(why, 300)}`,
    {
      where: { ...pin2.where, distribution: pin2.name },
      hint: "fix the package's build backend, or publish a wheel of it to your index"
    }
  );
}
function quotedFile(filename) {
  return `"${shown(filename, 200)}"`;
}
function gitFailure(pin2, what, output) {
  const said = output.trim().split(/\r?\n/).slice(-5).join(" ");
  return new UserError(`cannot ${what} ${pinLabel(pin2)} from ${sourceLabel(pin2)}: ${printable(said, 1e3)}`, {
    where: { ...pin2.where, distribution: pin2.name },
    hint: "check that the repository is reachable from the runner (credentials for a private one come from git's own configuration) and that the commit is in it"
  });
}
function gitMissing(pin2, why) {
  return new UserError(`cannot run git to fetch ${pinLabel(pin2)} from ${sourceLabel(pin2)}: ${printable(why, 300)}`, {
    where: { ...pin2.where, distribution: pin2.name },
    hint: "install git on the runner (or in the job's container) and put it on PATH"
  });
}
function runnerMachine(arch = process.arch) {
  return arch === "x64" ? "x86_64" : arch === "arm64" ? "aarch64" : arch;
}
var COMPILED_NAME = /\.(so|pyd|dylib|dll)(\.[0-9.]+)?$/i;
var MAGICS = [
  "feedface",
  // Mach-O 32, big- and little-endian
  "cefaedfe",
  "feedfacf",
  // Mach-O 64
  "cffaedfe",
  "213c617263683e0a"
  // "!<arch>\n": a static library (.a, .lib)
].map((hex) => Buffer.from(hex, "hex"));
function isCompiled(name, data) {
  if (COMPILED_NAME.test(name) || hasElfMagic(data)) return true;
  if (MAGICS.some((m) => data.subarray(0, m.length).equals(m))) return true;
  const first = data.length >= 8 ? data.readUInt32BE(0) : 0;
  if ((first === 3405691582 || first === 3405691583) && data.readUInt32BE(4) < 45) return true;
  if (data.length >= 64 && data.readUInt16BE(0) === 19802) {
    const pe = data.readUInt32LE(60);
    return pe + 4 <= data.length && data.readUInt32BE(pe) === 1346699264;
  }
  return false;
}
function judgeBuiltWheel(pin2, built, mode, target, runner) {
  const { wheel, compiled } = built;
  const where = { ...pin2.where, distribution: pin2.name };
  const isPure = wheel.abiTags.every((t) => t === "none") && wheel.platformTags.every((t) => t === "any");
  const files = `${compiled.slice(0, 5).map((f) => shown(f, 120)).join(", ")}${compiled.length > 5 ? ` and ${compiled.length - 5} more` : ""}`;
  const made = `${pinLabel(pin2)} was built from ${sourceLabel(pin2)} into ${shown(wheel.filename, 200)}`;
  if (isPure && compiled.length === 0) return { ship: true };
  if (isPure) {
    return refuse(`${made}, tagged pure Python yet holding compiled files (${files}): a broken build`, where);
  }
  const wayOut = `publish a manylinux wheel of ${pin2.name} for ${target.runtime} ${target.architecture} to your index`;
  if (mode !== "any") {
    const what = compiled.length > 0 ? `compiled files (${files})` : `the platform tag ${wheel.abiTags[0]}-${wheel.platformTags[0]}`;
    return refuse(
      `${made}, which is not pure Python: it has ${what}; build-from-source: pure ships pure-Python builds only`,
      where,
      `${wayOut}, or set \`build-from-source: any\` to ship what the runner builds for the target (same architecture, Python ${target.pythonVersion}; the inspection then checks its binaries)`
    );
  }
  const cannot = [];
  if (runner.machine !== target.machine) cannot.push(`this runner is ${runner.machine}, the target ${target.machine}`);
  if (runner.pythonMinor !== target.pythonMinor)
    cannot.push(`it was built by Python 3.${runner.pythonMinor}, the runtime is Python ${target.pythonVersion}`);
  const platforms = wheel.platformTags.filter((t) => t !== "any");
  if (platforms.some((t) => t !== `linux_${target.machine}` && !t.startsWith("manylinux")))
    cannot.push(`its platform ${platforms.join(".")} is not Linux on ${target.machine}`);
  if (cannot.length > 0) {
    return refuse(
      `${made}, a platform wheel this runner cannot build for the target: ${cannot.join("; ")}`,
      where,
      `build on a ${target.machine} runner with Python ${target.pythonVersion} (actions/setup-python), or ${wayOut}`
    );
  }
  return { ship: true, retag: target.platformTags[0] };
}
function refuse(message, where, hint) {
  return {
    ship: false,
    error: new UserError(message, {
      where,
      hint: hint ?? "fix the build of the package, or publish a wheel of it to your index"
    })
  };
}

// src/build-source/git.ts
async function checkoutCommit(pin2, source, directory, env, log) {
  await mkdir2(directory, { recursive: true });
  const run = (gitEnv, args) => runProcess("git", ["-C", directory, ...args], { env: gitEnv, log }).catch((error) => {
    throw gitMissing(pin2, error instanceof Error ? error.message : String(error));
  });
  const git = (...args) => run(gitEnvironment(env, source.url), args);
  const submodules = (...args) => run(gitEnvironment(env, void 0), args);
  const failed = (what, output) => gitFailure(pin2, what, output);
  let r = await git("init", "--quiet");
  if (r.code !== 0) throw failed("prepare the checkout of", r.output);
  r = await git("config", "remote.origin.url", source.url);
  if (r.code !== 0) throw failed("prepare the checkout of", r.output);
  r = await git("fetch", "--quiet", "--tags", "origin", source.commit);
  if (r.code !== 0) r = await git("fetch", "--quiet", "--tags", "origin", "+refs/heads/*:refs/remotes/origin/*");
  if (r.code !== 0) throw failed("fetch", r.output);
  r = await git("-c", "advice.detachedHead=false", "checkout", "--quiet", "--detach", source.commit);
  if (r.code !== 0) throw failed("check out", r.output);
  const head = (await git("rev-parse", "HEAD")).output.trim();
  if (head !== source.commit) {
    throw new UserError(
      `the checkout of ${pinLabel(pin2)} from git ${redact(source.url)} is at ${head || "no commit"}, not at the locked ${source.commit}`,
      {
        where: { ...pin2.where, distribution: pin2.name },
        hint: "lock it again; the repository does not hold the locked commit"
      }
    );
  }
  if (existsSync3(path3.join(directory, ".gitmodules"))) {
    r = await submodules("submodule", "update", "--init", "--recursive", "--depth", "1");
    if (r.code !== 0) throw failed("check out the submodules of", r.output);
  }
}

// src/build-source/wheel.ts
import path4 from "node:path";
async function readBuiltWheel(file, wheel, pin2) {
  let reader;
  try {
    const directory = await readZipDirectory(file);
    reader = new EntryReader(directory);
    const members = /* @__PURE__ */ new Map();
    const compiled = [];
    for (const entry of directory.entries) {
      if (entry.name.endsWith("/")) continue;
      const data = inflateEntry(entry, await reader.read(entry));
      members.set(entry.name, { data, executable: (entry.mode & 73) !== 0 });
      if (isCompiled(entry.name, data)) compiled.push(entry.name);
    }
    return { wheel, compiled, members };
  } catch (error) {
    throw unreadableWheel(pin2, wheel.filename, error instanceof Error ? error.message : String(error));
  } finally {
    await reader?.close();
  }
}
async function writeBuiltWheel(wheel, members, outDir, platform) {
  let filename = wheel.filename;
  const files = new Map(members);
  if (platform) {
    const tags = wheel.pythonTags.flatMap((py) => wheel.abiTags.map((abi) => `${py}-${abi}-${platform}`));
    filename = `${wheel.filename.split("-").slice(0, -1).join("-")}-${platform}.whl`;
    const wheelFile = [...files.keys()].find((n) => /^[^/]+\.dist-info\/WHEEL$/.test(n));
    const recordFile = [...files.keys()].find((n) => /^[^/]+\.dist-info\/RECORD$/.test(n));
    if (wheelFile) {
      const text = files.get(wheelFile).data.toString("utf8");
      const kept = text.split(/\r?\n/).filter((l) => l && !/^Tag:/i.test(l));
      const data = Buffer.from(`${[...kept, ...tags.map((t) => `Tag: ${t}`)].join("\n")}
`);
      files.set(wheelFile, { data, executable: false });
      if (recordFile) {
        const rows = files.get(recordFile).data.toString("utf8").split(/\r?\n/).filter((l) => l && !l.startsWith(`${wheelFile},`));
        rows.push(recordRow([wheelFile, recordHash(data), String(data.length)]));
        files.set(recordFile, { data: Buffer.from(`${rows.join("\n")}
`), executable: false });
      }
    }
  }
  const zipMembers = [...files.entries()].map(([name, member2]) => ({ name, ...member2 }));
  const out = path4.join(outDir, filename);
  await writeZip(zipMembers, out);
  return out;
}

// src/build-source/index.ts
async function buildSources(request) {
  const { lock, indexes, log } = request;
  const pins = lock.requirements.filter((r) => r.build !== void 0);
  if (pins.length === 0) return { lock, indexes, built: [] };
  const builder = await findBuilder(request);
  const wheelDir = path5.join(request.scratch, "built-wheels");
  await mkdir3(wheelDir, { recursive: true });
  const built = [];
  const hashing = lock.requirements.some((r) => r.hashes.length > 0);
  const replaced = /* @__PURE__ */ new Map();
  for (const pin2 of pins) {
    const started = performance.now();
    const wheel = await log.group(
      `Build ${pinLabel(pin2)} from ${sourceLabel(pin2)}`,
      () => buildOne(pin2, request, builder, wheelDir)
    );
    const ms = Math.round(performance.now() - started);
    const name = path5.basename(wheel.file);
    log.info(`Built ${wheel.name} ${wheel.version} from ${sourceLabel(pin2)} in ${(ms / 1e3).toFixed(1)} s: ${name}`);
    built.push({ name: wheel.name, version: wheel.version, source: sourceLabel(pin2), wheel: name, ms });
    const { build: _build, index: _index, ...rest } = pin2;
    const hashes = hashing ? [`sha256:${wheel.sha256}`] : [];
    replaced.set(pin2, { ...rest, version: wheel.version, hashes, wheel: wheel.file });
  }
  return { lock: { ...lock, requirements: lock.requirements.map((r) => replaced.get(r) ?? r) }, indexes, built };
}
async function findBuilder({ target, python, env, log }) {
  const runtime = await findRuntimePython(target.pythonMinor, python, env);
  if (runtime.python) return { command: runtime.python.command, minor: target.pythonMinor };
  const host = await findPython(python, env);
  log.info(
    `No Python ${target.pythonVersion} on this runner: building from source with Python ${host.version} (${host.command}); only pure-Python builds can ship`
  );
  return { command: host.command, minor: Number(host.version.split(".")[1]) };
}
async function buildOne(pin2, request, builder, wheelDir) {
  const { env, target, mode } = request;
  const work = path5.join(request.scratch, "source-builds", pin2.name);
  await rm2(work, { recursive: true, force: true });
  await mkdir3(path5.join(work, "out"), { recursive: true });
  const buildEnv = buildEnvironment(env);
  let checkout;
  if (pin2.build?.kind === "git") {
    const repository = path5.join(work, "checkout");
    await checkoutCommit(pin2, pin2.build, repository, buildEnv, request.log);
    checkout = pin2.build.subdirectory ? path5.join(repository, pin2.build.subdirectory) : repository;
  }
  const head = renderRequirements({ ...request.lock, requirements: [] }, request.indexes.written);
  const requirementsFile = path5.join(work, "requirements.build.txt");
  await writeFile(requirementsFile, `${head}${pinLine(pin2, checkout)}
`);
  const args = pipWheelArgs(pin2.name, requirementsFile, path5.join(work, "out"));
  const result = await runProcess(builder.command, args, { env: buildEnv, cwd: work, log: request.log });
  if (result.code !== 0) throw buildFailure(pin2, result.code, result.output);
  const made = (await readdir2(path5.join(work, "out"))).filter((f) => f.endsWith(".whl"));
  if (made.length !== 1) throw buildFailure(pin2, 0, `pip wheel left ${made.length} wheels: ${made.join(", ")}`);
  const read = await readBuiltWheel(path5.join(work, "out", made[0]), checkBuiltWheel(pin2, made[0]), pin2);
  const runner = { machine: runnerMachine(), pythonMinor: builder.minor };
  const verdict = judgeBuiltWheel(pin2, read, mode, target, runner);
  if (!verdict.ship) throw verdict.error;
  const file = await writeBuiltWheel(read.wheel, read.members, wheelDir, verdict.retag);
  return { file, name: normalizeName(read.wheel.name), version: read.wheel.version, sha256: sha256File(file) };
}

// src/build-source/retry.ts
async function installBuilt(install, request, directory) {
  const sources = await buildSources(request);
  try {
    return await install(sources);
  } catch (error) {
    const retry = sdistOnlyRetry(error, sources.lock, request.mode);
    if (!retry) throw error;
    await rm3(directory, { recursive: true, force: true });
    await mkdir4(directory, { recursive: true });
    const more = await buildSources({ ...request, lock: retry, indexes: sources.indexes });
    return install({ ...more, built: [...sources.built, ...more.built] });
  }
}
function sdistOnlyRetry(error, lock, mode) {
  if (mode === "never" || !(error instanceof UserError)) return void 0;
  const errors = error instanceof UserErrors ? error.errors : [error];
  const names2 = new Set(errors.filter((e) => e instanceof SdistOnly).map((e) => e.where.distribution));
  const marked = lock.requirements.map(
    (r) => names2.has(r.name) && r.build === void 0 && r.wheel === void 0 ? { ...r, build: { kind: "sdist" } } : r
  );
  return marked.some((r, i) => r !== lock.requirements[i]) ? { ...lock, requirements: marked } : void 0;
}

// src/dependencies/made.ts
import { mkdir as mkdir6, rm as rm5 } from "node:fs/promises";
import path8 from "node:path";

// src/dependencies/transplant.ts
import { mkdir as mkdir5, rm as rm4, writeFile as writeFile2 } from "node:fs/promises";
import path7 from "node:path";

// src/zip/inflate.ts
var SPILL_OVER = 64 * 1024;
var MemberCorrupt = class extends Error {
};
var WORKER_SOURCE = `
const { parentPort, threadId } = require("node:worker_threads");
let spills = 0;
${COLLECT_SOURCE}
const { crc32, inflateRawSync } = require("node:zlib");
const { createHash } = require("node:crypto");
const fs = require("node:fs");
const inflateWithin = ${inflateWithin.toString()};
const storedDataStart = ${storedDataStart.toString()};
class Corrupt extends Error {}
// one read buffer for the compressed bytes, garbage once inflated; a larger member gets its own
const reused = Buffer.allocUnsafeSlow(4 * 1024 * 1024);
function readExactly(fd, length, position) {
  const buffer = length <= reused.length ? reused.subarray(0, length) : Buffer.allocUnsafeSlow(length);
  let done = 0;
  while (done < length) {
    const n = fs.readSync(fd, buffer, done, length - done, position + done);
    if (n === 0) throw new Corrupt("runs past the end of the file");
    done += n;
  }
  return buffer;
}
function check(fd, fileSize, job, group) {
  const start = storedDataStart(readExactly(fd, 30 + job.nameBytes.length, job.localHeaderOffset), 0, job, fileSize);
  if (typeof start === "string") throw new Corrupt(start);
  const stored = readExactly(fd, job.compressedSize, start);
  const data = inflateWithin(stored, job.method, job.size, job.crc, { inflateRawSync, crc32 });
  if (typeof data === "string") throw new Corrupt(data);
  const hash = "sha256=" + createHash("sha256").update(data).digest("base64url");
  dropped(data.length + (job.compressedSize > reused.length ? job.compressedSize : 0));
  const keep = job.keep;
  let bytes;
  if (keep.kind === "elf" && data.length >= 4 && data[0] === 0x7f && data[1] === 0x45 && data[2] === 0x4c && data[3] === 0x46) {
    if (data.length <= group.spillOver) bytes = data;
    else {
      spills += 1;
      const spilled = group.spillDir + "/" + threadId + "-" + spills + ".elf";
      fs.writeFileSync(spilled, data, { flag: "wx" });
      return { hash, spilled };
    }
  } else if (keep.kind === "head") bytes = data.subarray(0, keep.limit);
  if (!bytes) return { hash };
  // moved to the main thread without a copy when the bytes own their memory (a large member's do)
  const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
  return { hash, bytes: own ? new Uint8Array(bytes.buffer) : new Uint8Array(bytes) };
}
parentPort.on("message", (batch) => {
  const transfer = [];
  const results = batch.map((group) => {
    let fd;
    try {
      fd = fs.openSync(group.file, "r");
      const size = fs.fstatSync(fd).size;
      return group.members.map((job) => {
        try {
          const result = check(fd, size, job, group);
          if (result.bytes) transfer.push(result.bytes.buffer);
          return result;
        } catch (error) {
          if (error instanceof Corrupt) return { corrupt: error.message };
          throw error;
        }
      });
    } catch (error) {
      return { error: String(error && error.message ? error.message : error) };
    } finally {
      if (fd !== undefined) fs.closeSync(fd);
    }
  });
  parentPort.postMessage(results, transfer);
});
`;
var GROUP_MEMBERS = 256;
var GROUP_BYTES = 4 * 1024 * 1024;
var InflatePool = class {
  /** `spillDir`: an empty folder of the caller's for large ELF members (see InflatedMember.spilled) */
  constructor(spillDir, threads = defaultThreads()) {
    this.spillDir = spillDir;
    this.pool = new WorkerPool(threads, WORKER_SOURCE, "inflate", (answer) => new Error(answer.error));
  }
  spillDir;
  pool;
  /**
   * The members of `file` checked, in groups on the workers: per member its RECORD hash and
   * the bytes `keep` asks for, or a MemberCorrupt saying what is wrong with it.
   */
  checkAll(file, members) {
    const { spillDir } = this;
    const answers = [];
    for (let start = 0; start < members.length; ) {
      let end = start;
      let bytes = 0;
      while (end < members.length && end - start < GROUP_MEMBERS && (end === start || bytes < GROUP_BYTES)) {
        bytes += members[end].entry.size;
        end++;
      }
      const slice = members.slice(start, end).map(({ entry, keep }) => {
        const { localHeaderOffset, compressedSize, size, method, crc, flags, dataLimit } = entry;
        const nameBytes = new Uint8Array(entry.nameBytes);
        return { localHeaderOffset, compressedSize, size, method, crc, flags, nameBytes, dataLimit, keep };
      });
      const group = this.pool.run({ file, members: slice, spillDir, spillOver: SPILL_OVER }, bytes);
      for (let i = 0; i < slice.length; i++) answers.push(group.then((results) => member(results[i])));
      start = end;
    }
    return answers;
  }
  close() {
    return this.pool.close();
  }
};
function member(answer) {
  if (!answer) return new MemberCorrupt("was not checked");
  if ("corrupt" in answer) return new MemberCorrupt(answer.corrupt);
  const { hash, bytes, spilled } = answer;
  if (spilled) return { hash, spilled };
  return bytes ? { hash, bytes: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) } : { hash };
}

// src/dependencies/wheel-layout.ts
import { posix } from "node:path";
var WheelRefused = class extends Error {
  constructor(message, hint = RECORD_CONTRADICTS_HINT) {
    super(message);
    this.hint = hint;
  }
  hint;
};
var WheelUnusual = class extends Error {
};
var SCHEMES = /* @__PURE__ */ new Set(["purelib", "platlib", "headers", "scripts", "data"]);
var S_IFMT = 61440;
var S_IFREG = 32768;
var FLAG_UTF8 = 2048;
function unsafeNameReason(name) {
  if (name === "") return "an empty name";
  if (name.startsWith("/") || /^[A-Za-z]:/.test(name)) return "an absolute path";
  if (name.includes("\\")) return "a backslash in its name";
  if (/[\u0000-\u001f\u007f]/.test(name)) return "a control character in its name";
  const segments = (name.endsWith("/") ? name.slice(0, -1) : name).split("/");
  if (segments.some((s) => s === "" || s === "." || s === "..")) return "an empty, . or .. segment (outside the root)";
  return void 0;
}
function placeMember(name, distInfo) {
  const unsafe = unsafeNameReason(name);
  if (unsafe) throw new WheelUnusual(`member ${JSON.stringify(name)} has ${unsafe}`);
  if (name.endsWith("/")) return { kind: "leave" };
  const [top = "", ...rest] = name.split("/");
  if (top.endsWith(".data")) {
    if (top !== distInfo.replace(/\.dist-info$/, ".data") || rest.length < 2) {
      throw new WheelUnusual(`member ${JSON.stringify(name)} lies in a .data folder not of this wheel's layout`);
    }
    const [scheme = "", ...inner] = rest;
    if (!SCHEMES.has(scheme)) {
      throw new WheelUnusual(`member ${JSON.stringify(name)} names an unknown scheme "${scheme}"`);
    }
    if (scheme === "scripts") return { kind: "leave", recordPath: `../../bin/${inner.join("/")}` };
    if (scheme === "headers") {
      const dist = distInfo.replace(/-[^-]*\.dist-info$/, "");
      return { kind: "leave", recordPath: `../../include/python/${dist}/${inner.join("/")}` };
    }
    const path27 = inner.join("/");
    return scheme === "data" ? placeData(path27) : { kind: "ship", path: path27, recordPath: path27 };
  }
  if (top.endsWith(".dist-info") && top !== distInfo) {
    throw new WheelUnusual(`member ${JSON.stringify(name)} lies in a second .dist-info folder`);
  }
  if (top === distInfo && ["RECORD", "INSTALLER", "REQUESTED"].includes(rest.join("/"))) {
    return { kind: "regenerate", path: name };
  }
  return { kind: "ship", path: name, recordPath: name };
}
var LIB = "lib/python";
function placeData(path27) {
  if (path27.startsWith(`${LIB}/`))
    return { kind: "ship", path: path27.slice(LIB.length + 1), recordPath: path27.slice(LIB.length + 1) };
  const top = path27.split("/")[0];
  if (LIB.startsWith(top)) return { kind: "leave", recordPath: posix.relative(LIB, path27) };
  return { kind: "ship", path: path27, recordPath: `../../${path27}` };
}
function entryProblem2(entry) {
  const unreadable = entryProblem(entry);
  if (unreadable) return unreadable;
  if (entry.name.includes("\uFFFD")) return `${JSON.stringify(entry.name)} is a name that is not valid UTF-8`;
  if (!(entry.flags & FLAG_UTF8) && /[^\u0000-\u007f]/.test(entry.name)) {
    return `${JSON.stringify(entry.name)} is a non-ASCII name without the UTF-8 flag (pip reads it as cp437)`;
  }
  return void 0;
}
function pipExecutable(mode) {
  return (mode & S_IFMT) === S_IFREG && (mode & 73) !== 0;
}
function renderInstalledRecord(rows, distInfo) {
  const all = rows.map((r) => [r.path, r.hash, r.size]);
  all.push([`${distInfo}/RECORD`, "", ""]);
  all.sort((a, b) => {
    for (let i = 0; i < 3; i++) {
      if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
    }
    return 0;
  });
  return all.map((row) => `${recordRow(row)}\r
`).join("");
}
function distInfoOf(names2) {
  const found = /* @__PURE__ */ new Set();
  for (const n of names2) {
    const top = n.split("/")[0] ?? "";
    if (top.endsWith(".dist-info")) found.add(top);
  }
  if (found.size !== 1) throw new WheelUnusual(`it has ${found.size} .dist-info folders, a wheel has exactly one`);
  return [...found][0];
}
function duplicatePaths(paths) {
  const seen = /* @__PURE__ */ new Set();
  const twice = /* @__PURE__ */ new Set();
  for (const p of paths) (seen.has(p) ? twice : seen).add(p);
  return [...twice];
}

// src/dependencies/transplant-checks.ts
function checkLeftOut(wheel, directory, placement, pool) {
  const unread = directory.entries.filter((e) => !e.name.endsWith("/") && placement.get(e.name)?.kind === "leave");
  const checks = pool.checkAll(
    wheel,
    unread.map((entry) => ({ entry, keep: { kind: "none" } }))
  ).map(
    (answer, i) => answer.then((checked) => {
      if (checked instanceof MemberCorrupt)
        throw new WheelUnusual(`member ${JSON.stringify(unread[i].name)} ${checked.message}`);
    })
  );
  for (const u of checks) u.catch(() => {
  });
  return checks;
}
function installedRecordLie(rows, shipped) {
  for (const [recordPath, named] of rowsByPath(rows)) {
    const found = recordPath.startsWith("../") ? void 0 : shipped.get(recordPath);
    const verdict = found && recordVerdict(
      recordPath,
      named.map((r) => r.source),
      found
    );
    if (verdict && "refuse" in verdict) return verdict.refuse;
  }
  return void 0;
}
async function planAll(wheels) {
  const planned = [];
  let declared = 0;
  for (const wheel of wheels) {
    let directory;
    try {
      directory = await readZipDirectory(wheel);
    } catch (error) {
      throw Object.assign(new WheelUnusual(error.message), { wheel });
    }
    for (const e of directory.entries) declared += e.size;
    planned.push({ wheel, directory });
  }
  if (declared > UNZIPPED_LIMIT) {
    throw new WheelUnusual(`the wheels declare ${declared} bytes unpacked, over Lambda's limit of ${UNZIPPED_LIMIT}`);
  }
  return planned;
}

// src/dependencies/wheel-metadata.ts
function decodeAsPip(bytes) {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return void 0;
  }
}
var HEADER = /^([!-9;-~]+):[ \t]*(.*?)[ \t]*$/;
function wheelVersionProblem(text) {
  const versions = [];
  for (const line of text.split(/\r\n|\n|\r/)) {
    if (line === "") break;
    const header = HEADER.exec(line);
    if (!header) return `its WHEEL file has a line pip reads in its own way: ${JSON.stringify(line.slice(0, 80))}`;
    if (header[1].toLowerCase() === "wheel-version") versions.push(header[2]);
  }
  if (versions.length !== 1) return `its WHEEL file gives ${versions.length} Wheel-Version headers, not one`;
  const version = versions[0];
  if (!/^[0-9]+(\.[0-9]+)*$/.test(version) || Number(version.split(".")[0]) !== 1) {
    return `its WHEEL file gives Wheel-Version ${JSON.stringify(version)}, not 1.x`;
  }
  return void 0;
}
var SCRIPT_GROUPS = /* @__PURE__ */ new Set(["console_scripts", "gui_scripts"]);
var ENTRY = /^(.+?)\s*=\s*([\w.]+)\s*(?::\s*([\w.]+))?\s*(\[[^\]]*\])?$/;
var SCRIPT_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.+-]*$/;
var CALLABLE = /^\w+(\.\w+)*$/;
function entryPointsProblem(text) {
  let group;
  const seen = /* @__PURE__ */ new Set();
  const groups = /* @__PURE__ */ new Set();
  for (const raw of text.split(/\r\n|\n|\r/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const section = /^\[([A-Za-z0-9_.-]+)\]$/.exec(line);
    if (section) {
      group = section[1];
      if (groups.has(group)) return `its entry_points.txt gives [${group}] twice`;
      groups.add(group);
      continue;
    }
    const entry = ENTRY.exec(line);
    if (group === void 0 || !entry)
      return `its entry_points.txt has a line pip reads in its own way: ${JSON.stringify(line.slice(0, 80))}`;
    const [, name = "", module = "", attr, extras] = entry;
    if (seen.has(`${group}
${name}`)) return `its entry_points.txt gives ${JSON.stringify(name)} twice in [${group}]`;
    seen.add(`${group}
${name}`);
    if (!SCRIPT_GROUPS.has(group)) continue;
    const spaced = /\s:|:\s/.test(line);
    if (attr === void 0 || spaced || !CALLABLE.test(module) || !CALLABLE.test(attr) || extras !== void 0) {
      return `its [${group}] entry ${JSON.stringify(line.slice(0, 80))} is not "name = module:callable" (pip stops at a script without a callable: "Invalid script entry point")`;
    }
    if (!SCRIPT_NAME.test(name))
      return `its [${group}] entry ${JSON.stringify(name.slice(0, 80))} is not a plain script name`;
  }
  return void 0;
}
function distInfoTextProblem(file, text) {
  if (text === void 0) return `its ${file} is not UTF-8`;
  return file === "WHEEL" ? wheelVersionProblem(text) : entryPointsProblem(text);
}

// src/dependencies/wheel-plan.ts
import path6, { posix as posix2 } from "node:path";
var PIP_READS = /* @__PURE__ */ new Set(["METADATA", "WHEEL", "RECORD", "entry_points.txt"]);
var LIB2 = "lib/python";
function planWheel(directory) {
  const names2 = directory.entries.map((e) => e.name);
  const twice = duplicatePaths(names2);
  if (twice.length > 0) throw new WheelUnusual(`member ${JSON.stringify(twice[0])} is in it twice`);
  const distInfo = distInfoOf(names2);
  const named = parseWheelFilename(path6.basename(directory.path));
  const infoName = distInfo.replace(/\.dist-info$/, "").split("-")[0] ?? "";
  if (!named || normalizeName(infoName) !== normalizeName(named.name)) {
    throw new WheelUnusual(`its ${distInfo} folder is not of the distribution its file name gives`);
  }
  const placed = [];
  const placement = /* @__PURE__ */ new Map();
  for (const entry of directory.entries) {
    const { name } = entry;
    const problem = entryProblem2(entry);
    if (problem) throw new WheelUnusual(problem);
    const place = placeMember(entry.name, distInfo);
    const unextractable = entry.name.endsWith("/") ? void 0 : unextractableReason(entry.name, place.kind === "ship" ? place.path : void 0);
    if (unextractable) {
      throw new WheelRefused(
        `member ${JSON.stringify(entry.name)} cannot be unpacked: ${unextractable}`,
        UNEXTRACTABLE_HINT
      );
    }
    if (name.endsWith("/") && PIP_READS.has(name.slice(distInfo.length + 1, -1)) && name.startsWith(`${distInfo}/`)) {
      throw new WheelUnusual(`member ${JSON.stringify(name)} is a folder entry where pip reads a file`);
    }
    placement.set(entry.name, place);
    if (place.kind !== "leave") placed.push({ entry, place });
  }
  return { distInfo, placed, placement };
}
function homePath(place) {
  if (place.kind === "regenerate") return `${LIB2}/${place.path}`;
  return place.recordPath === void 0 ? void 0 : posix2.join(LIB2, place.recordPath);
}
function installProblem(plans) {
  const files = [];
  for (const { wheel, plan } of plans) {
    for (const [member2, place] of plan.placement) {
      const home = homePath(place);
      if (home !== void 0) files.push({ home, member: member2, wheel: path6.basename(wheel) });
    }
  }
  const folders = /* @__PURE__ */ new Map();
  files.forEach((f, i) => {
    for (let at = f.home.indexOf("/"); at >= 0; at = f.home.indexOf("/", at + 1)) {
      const folder = f.home.slice(0, at);
      if (!folders.has(folder)) folders.set(folder, i);
    }
  });
  for (const [_i, f] of files.entries()) {
    const inside = folders.get(f.home);
    if (inside !== void 0) return clash(f, files[inside]);
  }
  const inTree = new Set(files.filter((f) => f.home.startsWith(`${LIB2}/`)).map((f) => f.home.split("/")[2]));
  for (const f of files) {
    const top = f.home.split("/")[0];
    if (f.home.startsWith(`${LIB2}/`) || LIB2.startsWith(top) || !inTree.has(top)) continue;
    return {
      unusual: `${f.wheel}: member ${JSON.stringify(f.member)} would land in "${top}", which the tree already has`
    };
  }
  return void 0;
}
function clash(file, folder) {
  const same = file.wheel === folder.wheel;
  const name = JSON.stringify(file.member);
  return {
    message: `the wheel ${file.wheel} installs ${name} as a file, and ${same ? "also" : `the wheel ${folder.wheel}`} installs ${JSON.stringify(folder.member)}, inside ${name} as a folder: no file system holds both`,
    hint: same ? "the wheel is broken (pip's own install fails on it too): pin another version of it" : "the two distributions cannot be installed together (pip's own install fails too): drop one of them, or pin versions that do not overlap",
    wheel: folder.wheel
  };
}

// src/dependencies/transplant.ts
var WHEELS_IN_FLIGHT = 4;
var STORED_IN_MEMORY = 256 * 1024;
var storedFiles = 0;
var NOT_UTF8 = "\0not UTF-8";
var WheelJob = class {
  constructor(wheel, directory, plan, pool, scanner, scratch, hooks) {
    this.wheel = wheel;
    this.directory = directory;
    this.scanner = scanner;
    ({ distInfo: this.distInfo, placed: this.placed, placement: this.placement } = plan);
    const own = new Set(["RECORD", "METADATA", "WHEEL", "entry_points.txt"].map((n) => `${this.distInfo}/${n}`));
    const planned = this.placed.map(({ entry, place }) => {
      const mode = pipExecutable(entry.externalAttributes >>> 16) ? MODE_EXECUTABLE : MODE_FILE;
      const file = place.kind === "ship" && !cleanedAway(place.path) ? { path: place.path, size: entry.size, executable: mode === MODE_EXECUTABLE } : void 0;
      const wanted = file ? scanner.keeps(file.path) : { kind: "none" };
      const keep = own.has(entry.name) ? { kind: "head", limit: MAX_METADATA_BYTES } : file && entry.method === 0 ? { kind: "head", limit: entry.size } : wanted;
      return { entry, mode, file, wanted, keep };
    });
    this.unread = checkLeftOut(wheel, directory, this.placement, pool);
    const leftOut = planned.map(
      (p) => p.file !== void 0 && !own.has(p.entry.name) && hooks.mayLeaveOut?.(p.file.path) === true
    );
    const read = pool.checkAll(
      wheel,
      planned.filter((_, i) => !leftOut[i])
    );
    let next = 0;
    this.checked = planned.map((p, i) => {
      if (leftOut[i]) {
        const file = p.file;
        return scanner.scan(file, p.mode, void 0).then((scanned) => ({ hash: "", unchecked: true, scanned, file }));
      }
      const answer = read[next++];
      return answer.then(async (checked) => {
        const { entry, mode, file, wanted } = planned[i];
        if (checked instanceof MemberCorrupt)
          throw new WheelUnusual(`member ${JSON.stringify(entry.name)} ${checked.message}`);
        const { hash, bytes, spilled } = checked;
        const text = own.has(entry.name) ? decodeAsPip(bytes ?? Buffer.alloc(0)) ?? NOT_UTF8 : void 0;
        if (!file) return { hash, text };
        if (spilled) {
          try {
            return { hash, scanned: await scanner.scan(file, mode, { path: spilled }), file };
          } finally {
            await rm4(spilled, { force: true });
          }
        }
        const forScan = wanted.kind === "none" ? void 0 : wanted.kind === "head" ? bytes?.subarray(0, wanted.limit) : bytes;
        const scanned = await scanner.scan(file, mode, forScan);
        if (entry.method !== 0) return { hash, text, scanned, file };
        const data = bytes ?? Buffer.alloc(0);
        if (data.length <= STORED_IN_MEMORY) return { hash, text, scanned, file, stored: { data } };
        storedFiles += 1;
        const absolutePath = path7.join(scratch, `stored-${storedFiles}`);
        await writeFile2(absolutePath, data);
        return { hash, text, scanned, file, stored: { absolutePath } };
      });
    });
  }
  wheel;
  directory;
  scanner;
  distInfo;
  placed;
  placement;
  checked;
  /** the members not unpacked here (scripts, headers): pip opens them, so they are held to the same checks */
  unread;
  /**
   * The wheel's RECORD rows as pip rewrites them on install: each row kept with the hash and
   * size it gives (every member's was just checked), its path mapped where the member lands
   * (or would have, for a .data/data file pip --target leaves out: the layout check names it);
   * rows naming no member or a folder entry kept as they are (the layout check judges those);
   * rows of what cleanTree's rule leaves out (scripts, headers, byte-code) and of pip's own
   * files (written anew) left out.
   */
  installedRows(wheelRecord) {
    const rows = [];
    for (const row of wheelRecord) {
      const place = this.placement.get(row.path);
      const installed = !place ? row.path : place.kind === "regenerate" ? void 0 : place.recordPath ?? row.path;
      if (installed === void 0 || !installedRecordKeeps(installed)) continue;
      rows.push({
        path: installed,
        hash: row.hash ?? "",
        size: row.size === void 0 ? "" : String(row.size),
        source: row
      });
    }
    return rows;
  }
  /**
   * Waits for its members, holds each to the wheel's RECORD, and gives the shipped files, the
   * zip members and the distribution (with RECORD as pip rewrites it, written to scratch).
   */
  async finish(into) {
    const { distInfo } = this;
    const checked = await Promise.all(this.checked);
    await Promise.all(this.unread);
    const texts = /* @__PURE__ */ new Map();
    this.placed.forEach(({ entry }, i) => {
      const text = checked[i].text;
      if (text !== void 0) texts.set(entry.name, text);
    });
    for (const [name, text] of texts) {
      if (text === NOT_UTF8) throw new WheelUnusual(`its ${name} is not UTF-8`);
    }
    const problem = distInfoTextProblem("WHEEL", texts.get(`${distInfo}/WHEEL`) ?? "") ?? (texts.has(`${distInfo}/entry_points.txt`) ? distInfoTextProblem("entry_points.txt", texts.get(`${distInfo}/entry_points.txt`)) : void 0);
    if (problem) throw new WheelUnusual(problem);
    const recordText = texts.get(`${distInfo}/RECORD`);
    if (recordText === void 0) throw new WheelUnusual(`it has no ${distInfo}/RECORD`);
    if (!texts.has(`${distInfo}/METADATA`)) throw new WheelUnusual(`it has no ${distInfo}/METADATA`);
    const wheelRecord = parseRecord(recordText);
    const record = rowsByPath(wheelRecord);
    const owned = [];
    const shipped = /* @__PURE__ */ new Map();
    this.placed.forEach(({ entry, place }, i) => {
      if (place.kind !== "ship") return;
      const c = checked[i];
      const signature = entry.name === `${distInfo}/RECORD.jws` || entry.name === `${distInfo}/RECORD.p7s`;
      const mismatch = signature || c.unchecked ? void 0 : recordVerdict(entry.name, record.get(entry.name) ?? [], {
        sha256: recordSha256(c.hash),
        size: entry.size
      });
      if (mismatch && "refuse" in mismatch) throw new WheelRefused(mismatch.refuse);
      if (mismatch) throw new WheelUnusual(mismatch.unusual);
      if (!c.file || c.scanned === void 0) return;
      if (!c.unchecked) shipped.set(place.recordPath, { sha256: recordSha256(c.hash), size: entry.size });
      if (place.recordPath === place.path) owned.push(c.file);
      into.files.push(c.file);
      into.scanned.push(c.scanned);
      if (c.unchecked) into.unchecked.push(c.file.path);
      const name = `${LAYER_PREFIX}${place.path}`;
      const { executable } = c.file;
      if (!c.stored) into.members.push({ name, from: this.directory, entry, executable });
      else if ("data" in c.stored) into.members.push({ name, data: c.stored.data, executable });
      else into.members.push({ name, absolutePath: c.stored.absolutePath, executable, size: entry.size });
    });
    const rows = this.installedRows(wheelRecord);
    const lie = installedRecordLie(rows, shipped);
    if (lie) throw new WheelRefused(lie);
    const own = [
      [`${distInfo}/INSTALLER`, Buffer.from("pip\n")],
      [`${distInfo}/REQUESTED`, Buffer.alloc(0)]
    ];
    const written = own.map(([name, data]) => ({ path: name, hash: recordHash(data), size: String(data.length) }));
    const installedRecord = renderInstalledRecord([...rows, ...written], distInfo);
    own.push([`${distInfo}/RECORD`, Buffer.from(installedRecord)]);
    for (const [name, data] of own) {
      const file = { path: name, size: data.length, executable: false };
      owned.push(file);
      into.files.push(file);
      into.scanned.push(await this.scanner.scan(file, MODE_FILE, void 0));
      into.members.push({ name: `${LAYER_PREFIX}${name}`, data, executable: false });
    }
    const distribution = distributionFrom(distInfo, {
      metadata: texts.get(`${distInfo}/METADATA`) ?? "",
      wheel: texts.get(`${distInfo}/WHEEL`) ?? "",
      record: installedRecord
    });
    for (const f of owned) f.distribution = distribution.name;
    return distribution;
  }
};
function refusal(wheel, error, locate) {
  const label = path7.basename(wheel);
  return wheelRefusal(label, error.message, locate(label), error.hint);
}
async function transplantWheels(wheels, scratch, scanner, locate = () => void 0, hooks = {}) {
  const spill = path7.join(scratch, ".elf");
  await mkdir5(spill, { recursive: true });
  const pool = new InflatePool(spill);
  const jobs = [];
  let current = "";
  try {
    const planned = await planAll(wheels);
    const plans = planned.map(({ wheel, directory }) => {
      current = wheel;
      return { wheel, plan: planWheel(directory) };
    });
    const clash2 = installProblem(plans);
    if (clash2 && "unusual" in clash2) return { unusual: clash2.unusual };
    if (clash2) {
      throw new UserError(clash2.message, { where: locate(clash2.wheel) ?? { file: clash2.wheel }, hint: clash2.hint });
    }
    const start = (i) => {
      const next = planned[i];
      if (!next || jobs[i]) return;
      current = next.wheel;
      jobs[i] = new WheelJob(next.wheel, next.directory, plans[i].plan, pool, scanner, scratch, hooks);
    };
    for (let i = 0; i < WHEELS_IN_FLIGHT; i++) start(i);
    const into = {
      members: [],
      files: [],
      scanned: [],
      unchecked: []
    };
    const distributions = [];
    for (let i = 0; i < planned.length; i++) {
      start(i + WHEELS_IN_FLIGHT);
      current = planned[i].wheel;
      distributions.push(await jobs[i].finish(into));
    }
    const twice = duplicatePaths(into.files.map((f) => f.path));
    if (twice.length > 0) return { unusual: `two wheels install the same file ${JSON.stringify(twice[0])}` };
    const byPath = (a, b) => a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
    const order = new Map(into.files.map((f, i) => [f, i]));
    into.files.sort(byPath);
    const scannedInOrder = into.files.map((f) => into.scanned[order.get(f)]);
    distributions.sort((a, b) => a.distInfo.localeCompare(b.distInfo));
    return {
      members: into.members,
      listing: { distributions, files: into.files },
      scanned: scannedInOrder,
      unchecked: into.unchecked
    };
  } catch (error) {
    if (error instanceof WheelUnusual) {
      const wheel = error.wheel ?? current;
      return { unusual: wheel ? `${path7.basename(wheel)}: ${error.message}` : error.message };
    }
    if (error instanceof WheelRefused) throw refusal(current, error, locate);
    throw error;
  } finally {
    await pool.close();
    await Promise.allSettled(jobs.flatMap((j) => [...j.checked, ...j.unread]));
  }
}

// src/dependencies/made.ts
async function fromDownloadedWheels(installer, request, scanner, optimize2) {
  if (!installer.download) return void 0;
  const wheels = path8.join(request.scratch, "wheels");
  const unpackedFiles = path8.join(request.scratch, "unpacked");
  for (const dir of [wheels, unpackedFiles]) {
    await rm5(dir, { recursive: true, force: true });
    await mkdir6(dir, { recursive: true });
  }
  const started = performance.now();
  const left = (r) => optimize2.exclude.has(normalizeName(r.name));
  const notDownloaded = request.lock.requirements.filter(left).map((r) => ({ name: normalizeName(r.name), version: r.version }));
  const lock = { ...request.lock, requirements: request.lock.requirements.filter((r) => !left(r)) };
  const downloaded = lock.requirements.length > 0 ? await installer.download({ ...request, lock, directory: wheels }) : { wheels: [], chosenWheels: {} };
  const downloadMs = Math.round(performance.now() - started);
  const result = await transplantWheels(
    downloaded.wheels,
    unpackedFiles,
    scanner,
    (wheelFile) => pinOf(request.lock, parseWheelFilename(wheelFile)?.name ?? ""),
    { mayLeaveOut: optimize2.mayLeaveOut }
  );
  const unpackMs = Math.round(performance.now() - started) - downloadMs;
  if ("unusual" in result) {
    request.log.debug(`Unpacking the wheels here is not possible (${result.unusual}): pip installs them instead`);
    return void 0;
  }
  const listing = { ...result.listing, chosenWheels: downloaded.chosenWheels };
  const { members, scanned, unchecked } = result;
  return { listing, members, scanned, downloadMs, unpackMs, notDownloaded, unchecked };
}
async function installedTree(installer, request) {
  const chosenWheels = installer ? await installer.install(request) : {};
  const tree = { ...await cleanAndRead(request.directory), chosenWheels };
  const origin2 = (name) => name === void 0 ? {} : { wheel: chosenWheels[name], where: pinOf(request.lock, name) };
  checkInstalledPaths(tree, origin2);
  checkInstalledRecords(tree, (d) => origin2(d.name));
  return tree;
}
async function cleanAndRead(directory) {
  try {
    await cleanTree(directory);
    return await readTree(directory);
  } catch (error) {
    if (error.code !== "ENAMETOOLONG") throw error;
    const where = error.path ?? directory;
    throw new UserError(
      `an installed file's path is too long for Linux (${Buffer.byteLength(where)} bytes with the folders it is in): ${JSON.stringify(path8.relative(directory, where))}`,
      { hint: UNEXTRACTABLE_HINT }
    );
  }
}
function pinOf(lock, distribution) {
  const name = normalizeName(distribution);
  const pin2 = lock.requirements.find((r) => normalizeName(r.name) === name);
  return pin2 ? { file: pin2.where.file, line: pin2.where.line, distribution: name } : void 0;
}

// src/cache/key.ts
import { createHash } from "node:crypto";
var CACHE_FORMAT = "v2";
function treeFingerprint(input) {
  const requirements = [...input.lock.requirements].map((r) => ({
    name: r.name,
    version: r.version,
    extras: [...r.extras].sort(),
    hashes: [...r.hashes].sort(),
    ...r.build ? { build: builtFrom(r.build) } : {}
  })).sort((a, b) => a.name.localeCompare(b.name));
  const normalized = {
    format: CACHE_FORMAT,
    python: input.target.pythonVersion,
    machine: input.target.machine,
    glibc: input.target.glibcCeiling,
    platformTags: input.target.platformTags,
    complete: input.lock.complete,
    requirements,
    installer: input.installer,
    options: input.options,
    ...input.optimize ? { optimize: input.optimize } : {}
  };
  return createHash("sha256").update(JSON.stringify(normalized)).digest("hex");
}
function builtFrom(build2) {
  const sub = build2.kind !== "sdist" && build2.subdirectory ? { subdirectory: build2.subdirectory } : {};
  return build2.kind === "git" ? { kind: build2.kind, commit: build2.commit, ...sub } : { kind: build2.kind, ...sub };
}
function cacheKey(input) {
  return `lpp-${CACHE_FORMAT}-${input.target.runtime}-${input.target.architecture}-${treeFingerprint(input).slice(0, 40)}`;
}

// src/dependencies/plan.ts
function unpackedHere(env) {
  return env.LPP_UNPACK !== "pip";
}
var THIS_COMPRESSOR = { zlib: process.versions.zlib, level: ZIP_LEVEL };
function dependencyZipRecord(zip, by = THIS_COMPRESSOR) {
  const { sha256, size, entries, unzippedSize } = zip;
  return { sha256, size, entries, unzippedSize, zlib: by.zlib, level: by.level };
}
function dependencyKey(input) {
  const by = input.compressor ?? THIS_COMPRESSOR;
  const mode = input.buildFromSource;
  const options = {
    indexes: indexesForKey(input.indexes.asked),
    zlib: by.zlib,
    level: by.level,
    // the default leaves the keys of every lock without sources as they were
    ...mode && mode !== "pure" ? { buildFromSource: mode } : {}
  };
  return cacheKey({
    target: input.target,
    lock: input.lock,
    installer: { name: input.installer?.name ?? "none", version: input.installer?.version ?? "" },
    options: input.fromWheels ? { ...options, fromWheels: true } : options,
    optimize: input.optimize
  });
}
function manifestProblems(key, manifest, by = THIS_COMPRESSOR) {
  if (!manifest || manifest.key !== key) return ["its manifest is missing or unreadable"];
  const { zlib, level } = manifest.dependencyZip;
  if (zlib !== by.zlib || level !== by.level) {
    return [
      `the cached dependency zip was made by zlib ${zlib ?? "unknown"} at level ${level ?? "unknown"}, this build has zlib ${by.zlib} at level ${by.level}: installing and compressing the dependencies again`
    ];
  }
  return [];
}
function zipDigestProblems(manifest, found, file) {
  if (!found) return [`${file} is missing`];
  const recorded = manifest.dependencyZip;
  if (found.size !== recorded.size || found.sha256 !== void 0 && found.sha256 !== recorded.sha256)
    return [`${file} has other content than when it was saved`];
  return [];
}
function listingFromZip(manifest, entries, chosenWheels) {
  const problems = [];
  if (entries.length !== manifest.owners.length || entries.length !== manifest.dependencyZip.entries) {
    problems.push(
      `its manifest lists ${manifest.owners.length} owners for ${entries.length} entries of the dependency zip`
    );
  }
  const names2 = manifest.distributions.map((d) => d.name);
  const files = [];
  entries.forEach((entry, i) => {
    if (entry.name.endsWith("/") && entry.name.startsWith(LAYER_PREFIX)) return;
    if (!entry.name.startsWith(LAYER_PREFIX) || entry.name.endsWith("/")) {
      problems.push(`the dependency zip has an entry outside ${LAYER_PREFIX}: ${JSON.stringify(entry.name)}`);
      return;
    }
    const owner = manifest.owners[i] ?? -1;
    const distribution = owner >= 0 ? names2[owner] : void 0;
    if (owner >= 0 && distribution === void 0) problems.push(`its manifest names no distribution ${owner}`);
    files.push({
      path: entry.name.slice(LAYER_PREFIX.length),
      size: entry.size,
      executable: (entry.mode & 73) !== 0,
      ...distribution !== void 0 ? { distribution } : {}
    });
  });
  if (problems.length > 0) return { problems };
  return {
    listing: { distributions: manifest.distributions.map((d) => ({ ...d, record: [] })), files, chosenWheels }
  };
}
function ownersOf(listing, entries) {
  const index = new Map(listing.distributions.map((d, i) => [d.name, i]));
  const owner = new Map(listing.files.map((f) => [f.path, f.distribution]));
  return entries.map((e) => {
    const dist = owner.get(e.name.slice(LAYER_PREFIX.length));
    return dist === void 0 ? -1 : index.get(dist) ?? -1;
  });
}
function describeMismatch(key, problems) {
  const more = problems.length > 3 ? `; and ${problems.length - 3} more` : "";
  return `Cache entry ${key} does not match its manifest (${problems.slice(0, 3).join("; ")}${more}): discarded, installing again`;
}

// src/dependencies/index.ts
async function restoreOrInstall(options) {
  const { target, lock, store, scratch, env, log, optimizeKey: optimize2, buildFromSource } = options;
  const installer = lock.requirements.length > 0 ? await chooseInstaller(options.installer, options.python, env) : void 0;
  const fromWheels = installer?.download !== void 0 && unpackedHere(env);
  const indexes = effectiveIndexes({
    inputs: { indexUrl: options.indexUrl, extraIndexUrls: options.extraIndexUrls },
    env,
    // `pip download` reads its configuration's [download] section where `pip install` reads [install]
    pipConfig: await readPipConfig(env, installer?.prefix, fromWheels ? "download" : "install"),
    recorded: lock.indexes,
    installer: installer?.name ?? "pip"
  });
  const key = dependencyKey({ target, lock, installer, indexes, optimize: optimize2, fromWheels, buildFromSource });
  const installerLabel = installer?.label ?? "none (no dependencies)";
  let restoreMs;
  if (store) {
    const asked = performance.now();
    const restored = await restoreEntry(store, key, log);
    restoreMs = Math.round(performance.now() - asked);
    if (restored) {
      const savedMs = restored.manifest.installMs;
      log.info(
        `Cache hit: ${key} from ${store.description}; no install (about ${(savedMs / 1e3).toFixed(1)} s saved)`
      );
      return {
        tree: restored.listing,
        installer: installerLabel,
        cache: { enabled: true, key, hit: true, store: store.description, savedMs },
        entryDir: restored.entryDir,
        restoreMs,
        source: {
          kind: "cached",
          zip: restored.manifest.dependencyZip,
          file: path9.join(restored.entryDir, DEPENDENCY_ZIP_FILE),
          directory: restored.directory,
          treeChecks: restored.manifest.treeChecks,
          ownCopy: store.restoresOwnCopy
        }
      };
    }
    log.info(`Cache miss: ${key} (${store.description}); installing`);
  }
  const entryDir = store ? store.entryDir(key) : path9.join(scratch, "entry");
  await rm6(entryDir, { recursive: true, force: true });
  await mkdir7(entryDir, { recursive: true });
  const directory = path9.join(scratch, "tree");
  await rm6(directory, { recursive: true, force: true });
  await mkdir7(directory, { recursive: true });
  const started = performance.now();
  const missed = (tree, source) => ({
    tree,
    installer: installerLabel,
    cache: { enabled: store !== void 0, key, hit: false, store: store?.description },
    entryDir,
    restoreMs,
    source
  });
  const compressTo = path9.join(entryDir, DEPENDENCY_ZIP_FILE);
  if (installer) {
    log.info(`Installer: ${installerLabel}`);
    log.info(describeIndexes(indexes));
  }
  const sourceRequest = { mode: buildFromSource, target, scratch, env, log, python: options.python };
  const install = async (sources) => {
    const request = { lock: sources.lock, target, directory, scratch, env, indexes: sources.indexes, log };
    const unpacked = installer && fromWheels ? await fromDownloadedWheels(installer, request, options.scanner, {
      exclude: new Set(options.excludePackages),
      mayLeaveOut: options.mayLeaveOut
    }) : void 0;
    if (unpacked) {
      const { listing, ...rest } = unpacked;
      await writeChosenWheels(entryDir, listing.chosenWheels ?? {});
      const installMs2 = Math.round(performance.now() - started);
      return { ...missed(listing, { kind: "wheels", ...rest, compressTo, installMs: installMs2 }), builtFromSource: sources.built };
    }
    const tree = await installedTree(installer, request);
    await writeChosenWheels(entryDir, tree.chosenWheels);
    const installMs = Math.round(performance.now() - started);
    return { ...missed(tree, { kind: "installed", tree, compressTo, installMs }), builtFromSource: sources.built };
  };
  return installBuilt(install, { ...sourceRequest, lock, indexes }, directory);
}
async function compressDependencies(dependencies) {
  const source = dependencies.source;
  if (source.kind === "cached") {
    const { sha256, size, unzippedSize, entries } = source.zip;
    const codeSha256 = Buffer.from(sha256, "hex").toString("base64");
    return {
      zip: { path: source.file, sha256, codeSha256, size, unzippedSize, entries },
      directory: source.directory,
      ownCopy: source.ownCopy
    };
  }
  const members = source.kind === "wheels" ? source.members : dependencyMembers(source.tree.files);
  const zip = await writeZip(members, source.compressTo);
  return { zip, directory: await readZipDirectory(source.compressTo) };
}
async function saveDependencies(dependencies, dependencyZip, treeChecks, store, log) {
  const { source, entryDir } = dependencies;
  if (!store || source.kind === "cached" || !dependencyZip || !treeChecks) return;
  const { key } = dependencies.cache;
  try {
    if (path9.dirname(dependencyZip.zip.path) !== entryDir) return;
    const manifest = {
      format: 2,
      key,
      dependencyZip: dependencyZipRecord(dependencyZip.zip),
      distributions: dependencies.tree.distributions.map(({ record: _record, ...d }) => d),
      owners: ownersOf(dependencies.tree, dependencyZip.directory.entries),
      treeChecks,
      installMs: source.installMs
    };
    await writeManifest(entryDir, manifest);
    if (await store.save(key)) log.info(`Cache saved: ${key} to ${store.description}`);
    else {
      log.annotate(
        "warning",
        `Cache not saved (${key}): another job saved this key first, or this run may only read the cache (pull requests), or the cache service refused it. The build is not affected.`
      );
    }
  } catch (error) {
    log.annotate("warning", `Cache not saved (${key}): ${error.message}. The build is not affected.`);
  }
}
async function restoreEntry(store, key, log) {
  try {
    if (!await store.restore(key)) {
      await store.discard(key);
      return void 0;
    }
    const entryDir = store.entryDir(key);
    const manifest = await readManifest(entryDir);
    const zipFile = path9.join(entryDir, DEPENDENCY_ZIP_FILE);
    let problems = manifestProblems(key, manifest);
    if (manifest && problems.length === 0) {
      const found = await digest(zipFile, !store.checksRestoredBytes);
      problems = zipDigestProblems(manifest, found, DEPENDENCY_ZIP_FILE);
    }
    let restored;
    if (manifest && problems.length === 0) {
      const directory = await readZipDirectory(zipFile);
      const listed = listingFromZip(manifest, directory.entries, await loadChosenWheels(entryDir));
      if ("problems" in listed) problems = listed.problems;
      else restored = { entryDir, manifest, directory, listing: listed.listing };
    }
    if (!restored) {
      log.annotate("warning", describeMismatch(key, problems));
      await store.discard(key);
    }
    return restored;
  } catch (error) {
    log.annotate("warning", `Cache restore failed (${error.message}): installing instead`);
    await store.discard(key).catch(() => {
    });
    return void 0;
  }
}
async function digest(file, hash) {
  const info = await stat2(file).catch(() => void 0);
  if (!info?.isFile()) return void 0;
  return { size: info.size, ...hash ? { sha256: sha256File(file) } : {} };
}

// src/lock/index.ts
import { existsSync as existsSync5, readdirSync as readdirSync2 } from "node:fs";
import path15 from "node:path";

// src/lock/files.ts
import { closeSync, fstatSync, openSync, readSync, realpathSync, statSync } from "node:fs";
import path10 from "node:path";
var MAX_LOCKFILE_BYTES = 16 * 1024 * 1024;
function isInside(parent, child) {
  const rel = path10.relative(parent, child);
  return rel === "" || !rel.startsWith("..") && !path10.isAbsolute(rel);
}
function readLockText(abs2, shown2, where, allowedRoots, what = "lockfile", missingHint = `check the path of the ${what}`) {
  let real;
  try {
    real = realpathSync(abs2);
  } catch (e) {
    const code = e.code;
    throw new UserError(
      code === "ENOENT" ? `${what} ${shown2} does not exist` : `cannot read ${what} ${shown2}: ${code}`,
      {
        where,
        hint: missingHint
      }
    );
  }
  const roots = allowedRoots.map((r) => {
    try {
      return realpathSync(r);
    } catch {
      return path10.resolve(r);
    }
  });
  if (!roots.some((root) => isInside(root, real))) {
    throw new UserError(`${what} ${shown2} resolves to a file outside the project, which is not read`, {
      where,
      hint: `keep the ${what} inside \`working-directory\` (a symlink must point inside it too)`
    });
  }
  const notRegular = () => new UserError(`${what} ${shown2} is not a regular file`, {
    where,
    hint: `point at the ${what} itself, not a device, pipe or folder`
  });
  if (!statSync(real).isFile()) throw notRegular();
  const tooLarge = () => new UserError(
    `${what} ${shown2} is larger than ${MAX_LOCKFILE_BYTES / 1024 / 1024} MiB, far beyond any real lockfile`,
    {
      where,
      hint: "point at the lockfile itself"
    }
  );
  const fd = openSync(real, "r");
  try {
    const stat9 = fstatSync(fd);
    if (!stat9.isFile()) throw notRegular();
    if (stat9.size > MAX_LOCKFILE_BYTES) throw tooLarge();
    const chunks = [];
    let total = 0;
    let want = stat9.size > 0 ? stat9.size + 1 : 64 * 1024;
    for (; ; ) {
      const chunk = Buffer.allocUnsafe(Math.min(want, 1024 * 1024, MAX_LOCKFILE_BYTES + 1 - total));
      want = 1024 * 1024;
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      total += n;
      if (total > MAX_LOCKFILE_BYTES) throw tooLarge();
    }
    return Buffer.concat(chunks).toString("utf8");
  } finally {
    closeSync(fd);
  }
}

// src/lock/common.ts
import { existsSync as existsSync4 } from "node:fs";
import path11 from "node:path";

// node_modules/smol-toml/dist/error.js
function getLineColFromPtr(string, ptr) {
  let lines = string.slice(0, ptr).split(/\r?\n/);
  return [lines.length, lines.pop().length + 1];
}
function makeCodeBlock(string, line, column) {
  let lines = string.split(/\r?\n/);
  let codeblock = "";
  let numberLen = (Math.log10(line + 1) | 0) + 1;
  for (let i = line - 1; i <= line + 1; i++) {
    let l = lines[i - 1];
    if (!l)
      continue;
    codeblock += i.toString().padEnd(numberLen, " ");
    codeblock += ":  ";
    codeblock += l;
    codeblock += "\n";
    if (i === line) {
      codeblock += " ".repeat(numberLen + column + 2);
      codeblock += "^\n";
    }
  }
  return codeblock;
}
var TomlError = class _TomlError extends Error {
  line;
  column;
  codeblock;
  constructor(message, options) {
    const [line, column] = getLineColFromPtr(options.toml, options.ptr);
    const codeblock = makeCodeBlock(options.toml, line, column);
    super(`Invalid TOML document: ${message}

${codeblock}`, options);
    this.line = line;
    this.column = column;
    this.codeblock = codeblock;
  }
  /** @internal */
  static x(message, ctx, ptr) {
    throw new _TomlError(message, { toml: ctx.s, ptr: ptr ?? ctx.p });
  }
};

// node_modules/smol-toml/dist/primitive.js
function parseString(ctx) {
  let startPtr = ctx.p;
  let c = ctx.s.charCodeAt(ctx.p++);
  let first = c;
  let isLiteral = c === 39;
  let isMultiline = c === ctx.s.charCodeAt(ctx.p) && c === ctx.s.charCodeAt(ctx.p + 1);
  if (isMultiline) {
    if ((c = ctx.s.charCodeAt(ctx.p += 2)) === 10)
      ctx.p++;
    else if (c === 13 && ctx.s.charCodeAt(ctx.p + 1) === 10)
      ctx.p += 2;
  }
  let parsed = "";
  let sliceStart = ctx.p;
  let state = 0;
  for (; ctx.p < ctx.s.length; ctx.p++) {
    c = ctx.s.charCodeAt(ctx.p);
    if (isMultiline && (c === 10 || c === 13 && ctx.s.charCodeAt(ctx.p + 1) === 10)) {
      state = state && 3;
    } else if (c < 32 && c !== 9 || c === 127) {
      TomlError.x("control characters are not allowed in strings", ctx);
    } else if ((!state || state === 3) && c === first && (!isMultiline || ctx.s.charCodeAt(ctx.p + 1) === first && ctx.s.charCodeAt(ctx.p + 2) === first)) {
      if (isMultiline) {
        if (ctx.s.charCodeAt(ctx.p + 3) === first)
          ctx.p++;
        if (ctx.s.charCodeAt(ctx.p + 3) === first)
          ctx.p++;
      }
      if (!state) {
        let s = ctx.s.slice(sliceStart, ctx.p);
        parsed = parsed ? parsed + s : s;
      }
      ctx.p += isMultiline ? 3 : 1;
      return parsed;
    } else if (!state) {
      if (!isLiteral && c === 92) {
        parsed += ctx.s.slice(sliceStart, sliceStart = ctx.p);
        state = 1;
      }
    } else if (state === 1) {
      if (c === 120 || c === 117 || c === 85) {
        let errPtr = ctx.p++ - 1;
        let value = 0;
        let len = c === 120 ? 2 : c === 117 ? 4 : 8;
        for (let j = 0; j < len; j++, ctx.p++) {
          let hex = ctx.s.charCodeAt(ctx.p);
          let digit = (
            /* 0-9 */
            hex >= 48 && hex <= 57 ? hex - 48 : (
              /* A-F */
              hex >= 65 && hex <= 70 ? hex - 65 + 10 : (
                /* a-f */
                hex >= 97 && hex <= 102 ? hex - 97 + 10 : -1
              )
            )
          );
          if (digit < 0)
            TomlError.x("invalid non-hex character in unicode escape", ctx);
          value = value << 4 | digit;
        }
        if (value < 0 || value > 1114111 || value >= 55296 && value <= 57343) {
          TomlError.x("invalid unicode escape", ctx, errPtr);
        }
        parsed += String.fromCodePoint(value);
        sliceStart = ctx.p--;
        state = 0;
      } else if (isMultiline && (c === 32 || c === 9)) {
        state = 2;
      } else {
        if (c === 98)
          parsed += "\b";
        else if (c === 116)
          parsed += "	";
        else if (c === 110)
          parsed += "\n";
        else if (c === 102)
          parsed += "\f";
        else if (c === 114)
          parsed += "\r";
        else if (c === 101)
          parsed += "\x1B";
        else if (c === 34)
          parsed += '"';
        else if (c === 92)
          parsed += "\\";
        else
          TomlError.x("unrecognised escape sequence", ctx);
        sliceStart = ctx.p + 1;
        state = 0;
      }
    } else if (c !== 32 && c !== 9) {
      if (state === 2)
        TomlError.x("invalid escape: only line-ending whitespace may be escaped", ctx, sliceStart);
      state = !isLiteral && c === 92 ? 1 : 0;
      sliceStart = ctx.p;
    }
  }
  TomlError.x("unfinished string", ctx, startPtr);
}

// node_modules/smol-toml/dist/date.js
var DATE_TIME_RE = /^(\d{4}-\d{2}-\d{2})?[Tt ]?(?:(\d{2}):\d{2}(?::\d{2}(?:\.\d+)?)?)?(Z|z|[-+]\d{2}:\d{2})?$/i;
var TomlDate = class _TomlDate extends Date {
  #hasDate = false;
  #hasTime = false;
  #offset = null;
  constructor(date, fasttype, unsafeDelim) {
    let hasDate = true;
    let hasTime = true;
    let offset = "Z";
    let c;
    if (typeof date === "string") {
      if (fasttype)
        prep: {
          if (fasttype < 3) {
            if (+date.slice(11, 13) > 23) {
              date = "";
              break prep;
            }
            if (fasttype === 2) {
              offset = null;
              date += "Z";
            } else if ((c = date.charCodeAt(date.length - 1)) !== 90 && c !== 122) {
              offset = date.slice(date.length - 6);
            }
            if (unsafeDelim)
              date = date.slice(0, 10) + "T" + date.slice(11);
          } else if (fasttype === 4) {
            date = +date.slice(0, 2) > 23 ? "" : `0000-01-01T${date}Z`;
          }
          hasDate = fasttype !== 4;
          hasTime = fasttype !== 3;
        }
      else {
        let match = date.match(DATE_TIME_RE);
        if (match) {
          if (!match[1]) {
            hasDate = false;
            date = `0000-01-01T${date}`;
          }
          hasTime = !!match[2];
          hasTime && date[10] === " " && (date = date.replace(" ", "T"));
          if (match[2] && +match[2] > 23) {
            date = "";
          } else {
            offset = match[3] || null;
            if (!offset && hasTime)
              date += "Z";
          }
        } else {
          date = "";
        }
      }
    }
    super(date);
    if (!isNaN(this.getTime())) {
      this.#hasDate = hasDate;
      this.#hasTime = hasTime;
      this.#offset = offset;
    }
  }
  isDateTime() {
    return this.#hasDate && this.#hasTime;
  }
  isLocal() {
    return !this.#hasDate || !this.#hasTime || !this.#offset;
  }
  isDate() {
    return this.#hasDate && !this.#hasTime;
  }
  isTime() {
    return this.#hasTime && !this.#hasDate;
  }
  isValid() {
    return this.#hasDate || this.#hasTime;
  }
  toISOString() {
    let iso = super.toISOString();
    if (this.isDate())
      return iso.slice(0, 10);
    if (this.isTime())
      return iso.slice(11, 23);
    if (this.#offset === null)
      return iso.slice(0, -1);
    if (this.#offset === "Z" || this.#offset === "z")
      return iso;
    let offset = +this.#offset.slice(1, 3) * 60 + +this.#offset.slice(4, 6);
    offset = this.#offset[0] === "-" ? offset : -offset;
    let offsetDate = new Date(this.getTime() - offset * 6e4);
    return offsetDate.toISOString().slice(0, -1) + this.#offset;
  }
  static wrapAsOffsetDateTime(jsDate, offset = "Z") {
    let date = new _TomlDate(jsDate);
    date.#offset = offset;
    return date;
  }
  static wrapAsLocalDateTime(jsDate) {
    let date = new _TomlDate(jsDate);
    date.#offset = null;
    return date;
  }
  static wrapAsLocalDate(jsDate) {
    let date = new _TomlDate(jsDate);
    date.#hasTime = false;
    date.#offset = null;
    return date;
  }
  static wrapAsLocalTime(jsDate) {
    let date = new _TomlDate(jsDate);
    date.#hasDate = false;
    date.#offset = null;
    return date;
  }
};

// node_modules/smol-toml/dist/extract.js
function isDigit(char, base = 10) {
  return base === 16 ? char > 47 && char < 58 || char > 64 && char < 71 || char > 96 && char < 103 : char > 47 && char < 48 + base;
}
function isEndOfValue(char, delim) {
  return char === 32 || char === 9 || char === 10 || char === 13 || // Structure end or next value delimiter
  delim && (char === delim || char === 44) || // Comment
  char === 35;
}
function extractValue(ctx, end) {
  let errPtr = ctx.p;
  let c = ctx.s.charCodeAt(ctx.p);
  if (c === 91 || c === 123) {
    ctx.d-- || TomlError.x("document contains excessively nested structures. aborting.", ctx);
    let value = c === 91 ? parseArray(ctx) : parseInlineTable(ctx);
    ctx.d++;
    return value;
  }
  if (c === 34 || c === 39) {
    return parseString(ctx);
  }
  if (c === 116) {
    if (ctx.s.charCodeAt(++ctx.p) !== 114 || ctx.s.charCodeAt(++ctx.p) !== 117 || ctx.s.charCodeAt(++ctx.p) !== 101)
      TomlError.x("invalid value", ctx, errPtr);
    return ctx.p++, true;
  }
  if (c === 102) {
    if (ctx.s.charCodeAt(++ctx.p) !== 97 || ctx.s.charCodeAt(++ctx.p) !== 108 || ctx.s.charCodeAt(++ctx.p) !== 115 || ctx.s.charCodeAt(++ctx.p) !== 101)
      TomlError.x("invalid value", ctx, errPtr);
    return ctx.p++, false;
  }
  if (c === 43 || c === 45) {
    return parseNumber(ctx, ctx.p, ctx.s.charCodeAt(++ctx.p), 44 - c, end);
  }
  if (ctx.s.charCodeAt(ctx.p + 4) === 45 && ctx.s.charCodeAt(ctx.p + 7) === 45) {
    return parseDate(ctx, c, end);
  }
  if (ctx.s.charCodeAt(ctx.p + 2) === 58) {
    return parseTime(ctx, c, end);
  }
  return parseNumber(ctx, ctx.p, c, 0, end);
}
function parseNumber(ctx, startPtr, startChr, sign, endChr) {
  let c = startChr;
  let state = 0;
  let hasUnderscores = false;
  if (c === 105) {
    if (ctx.s.charCodeAt(++ctx.p) !== 110 || ctx.s.charCodeAt(++ctx.p) !== 102)
      TomlError.x("invalid value", ctx, startPtr);
    return ctx.p++, (sign || 1) / 0;
  }
  if (c === 110) {
    if (ctx.s.charCodeAt(++ctx.p) !== 97 || ctx.s.charCodeAt(++ctx.p) !== 110)
      TomlError.x("invalid value", ctx, startPtr);
    return ctx.p++, NaN;
  }
  if (c === 48) {
    if (++ctx.p >= ctx.s.length || isEndOfValue(c = ctx.s.charCodeAt(ctx.p), endChr))
      return ctx.bi === true ? 0n : 0;
    if (!sign) {
      if (c === 120)
        return parseIntegerBaseN(ctx, startPtr, 16, endChr);
      else if (c === 98)
        return parseIntegerBaseN(ctx, startPtr, 2, endChr);
      else if (c === 111)
        return parseIntegerBaseN(ctx, startPtr, 8, endChr);
    }
    if (c === 46)
      state = 2;
    else if (c === 101 || c === 69)
      state = 4;
    else
      TomlError.x("illegal leading zero", ctx, startPtr);
  } else if (!isDigit(c))
    TomlError.x("invalid value", ctx, startPtr);
  while (++ctx.p < ctx.s.length && (c = ctx.s.charCodeAt(ctx.p), !isEndOfValue(c, endChr))) {
    if (!state)
      state = 1;
    if (c === 95) {
      if (!(state & 1))
        TomlError.x("illegal underscore", ctx);
      state += 11;
      hasUnderscores = true;
    } else if (state === 1 && c === 46)
      state = 2;
    else if ((state === 1 || state === 3) && (c === 101 || c === 69))
      state = 4;
    else if (state === 4 && (c === 43 || c === 45)) {
      state = 6;
    } else if (!isDigit(c))
      TomlError.x(`illegal character in numeric literal`, ctx);
    else if (state > 9)
      state -= 11;
    else if (!(state & 1))
      state++;
  }
  if (!state) {
    let val = (startChr - 48) * (sign || 1);
    return ctx.bi === true ? BigInt(val) : val;
  }
  if (!(state & 1))
    TomlError.x("unfinished numeric value", ctx, startPtr);
  let str = ctx.s.slice(startPtr, ctx.p);
  if (hasUnderscores)
    str = str.replaceAll("_", "");
  return state > 1 ? parseFloat(str) : parseInteger(ctx, str, 10, startPtr);
}
function parseIntegerBaseN(ctx, startPtr, base, endChr) {
  let c, underscore = 1;
  while (++ctx.p < ctx.s.length && (c = ctx.s.charCodeAt(ctx.p), !isEndOfValue(c, endChr))) {
    if (c === 95) {
      if (underscore & 1)
        TomlError.x("illegal underscore", ctx);
      underscore = 3;
    } else if (!isDigit(c, base))
      TomlError.x(`illegal character in numeric literal`, ctx);
    else if (underscore & 1)
      underscore--;
  }
  if (underscore & 1)
    TomlError.x("unfinished numeric value", ctx);
  let str = ctx.s.slice(startPtr + 2, ctx.p);
  if (underscore)
    str = str.replaceAll("_", "");
  return parseInteger(ctx, str, base, startPtr);
}
function parseInteger(ctx, str, base, startPtr) {
  if (ctx.bi !== true)
    int: {
      let val = parseInt(str, base);
      if (!Number.isSafeInteger(val)) {
        if (ctx.bi)
          break int;
        TomlError.x("integer value cannot be represented losslessly", ctx, startPtr);
      }
      return val;
    }
  return base === 10 ? BigInt(str) : BigInt((base === 2 ? "0b" : base === 8 ? "0o" : "0x") + str);
}
function parseDate(ctx, c, endChr) {
  let startPtr = ctx.p++, unsafeSeparator;
  if (!isDigit(c) || !isDigit(ctx.s.charCodeAt(ctx.p++)) || !isDigit(ctx.s.charCodeAt(ctx.p++)) || !isDigit(ctx.s.charCodeAt(ctx.p++))) {
    return parseNumber(ctx, ctx.p = startPtr, c, 0, endChr);
  }
  ctx.p += 5;
  if (!isDigit(ctx.s.charCodeAt(ctx.p++)))
    TomlError.x("invalid date-time: date part is malformed", ctx, startPtr);
  if (ctx.p >= ctx.s.length || ((c = ctx.s.charCodeAt(ctx.p)) !== 32 || (unsafeSeparator = true, !isDigit(ctx.s.charCodeAt(ctx.p + 1)))) && c !== 84 && c !== 116) {
    let t2 = ctx.s.slice(startPtr, ctx.p);
    return readDate(ctx, t2, 3, false, startPtr);
  }
  if (ctx.s.charCodeAt(ctx.p += 3) !== 58)
    TomlError.x("invalid date-time: time part is malformed", ctx, startPtr);
  if (ctx.s.charCodeAt(ctx.p += 3) === 58)
    ctx.p += 3;
  if (ctx.s.charCodeAt(ctx.p) === 46)
    while (isDigit(ctx.s.charCodeAt(++ctx.p)))
      ;
  if (c = ctx.s.charCodeAt(ctx.p)) {
    if (c === 90 || c === 122) {
      let t2 = ctx.s.slice(startPtr, ++ctx.p);
      return readDate(ctx, t2, 1, unsafeSeparator, startPtr, "[+00:00]");
    }
    if (c === 43 || c === 45) {
      let t2 = ctx.s.slice(startPtr, ctx.p += 6);
      return readDate(ctx, t2, 1, unsafeSeparator, startPtr, !ctx.ld && "[" + ctx.s.slice(ctx.p - 6, ctx.p) + "]");
    }
  }
  let t = ctx.s.slice(startPtr, ctx.p);
  return readDate(ctx, t, 2, unsafeSeparator, startPtr);
}
function parseTime(ctx, c, endChr) {
  let start = ctx.p;
  if (!isDigit(c) || !isDigit(ctx.s.charCodeAt(++ctx.p))) {
    return parseNumber(ctx, --ctx.p, c, 0, endChr);
  }
  if (ctx.s.charCodeAt(ctx.p += 4) === 58)
    ctx.p += 3;
  if (ctx.s.charCodeAt(ctx.p) === 46)
    while (isDigit(ctx.s.charCodeAt(++ctx.p)))
      ;
  let t = ctx.s.slice(start, ctx.p);
  return readDate(ctx, t, 4, false, start);
}
function readDate(ctx, str, type, unsafeDelim, errPtr, temporalSuffix) {
  if (ctx.ld) {
    let date = new TomlDate(str, type, unsafeDelim);
    if (!date.isValid())
      TomlError.x("invalid date", ctx, errPtr);
    return date;
  }
  try {
    if (temporalSuffix)
      str += temporalSuffix;
    switch (type) {
      case 1:
        return Temporal.ZonedDateTime.from(str);
      case 2:
        return Temporal.PlainDateTime.from(str);
      case 3:
        return Temporal.PlainDate.from(str);
      case 4:
        return Temporal.PlainTime.from(str);
    }
  } catch (e) {
    TomlError.x(e instanceof Error ? e.message : "" + e, ctx, errPtr);
  }
}

// node_modules/smol-toml/dist/util.js
function skipComment(ctx) {
  for (; ctx.p < ctx.s.length; ctx.p++) {
    let c = ctx.s.charCodeAt(ctx.p);
    if (c === 10)
      break;
    if (c === 13 && ctx.s.charCodeAt(ctx.p + 1) === 10) {
      ctx.p++;
      break;
    }
    if (c < 32 && c !== 9 || c === 127) {
      TomlError.x("control characters are not allowed in comments", ctx);
    }
  }
}
function skipVoid(ctx, banNewLines, banComments) {
  let c;
  while (ctx.p < ctx.s.length) {
    while (ctx.p < ctx.s.length && ((c = ctx.s.charCodeAt(ctx.p)) === 32 || c === 9 || !banNewLines && (c === 10 || c === 13 && ctx.s.charCodeAt(ctx.p + 1) === 10)))
      ctx.p++;
    if (banComments || c !== 35)
      break;
    skipComment(ctx);
  }
}

// node_modules/smol-toml/dist/struct.js
function parseKey(ctx, end = 61) {
  let startPtr;
  let state = 0;
  let parsed = [];
  let sliceStart;
  let c = ctx.s.charCodeAt(startPtr = ctx.p);
  do {
    if (c === end) {
      if (!state)
        TomlError.x("unexpected end of key", ctx);
      if (state === 1)
        parsed.push(ctx.s.slice(sliceStart, ctx.p));
      return ctx.p++, parsed;
    } else if (c === 46) {
      if (!state)
        TomlError.x("illegal empty bare key", ctx);
      if (state === 1)
        parsed.push(ctx.s.slice(sliceStart, ctx.p));
      state = 0;
    } else if (!state && (c === 34 || c === 39)) {
      if (c === ctx.s.charCodeAt(ctx.p + 1) && c === ctx.s.charCodeAt(ctx.p + 2))
        TomlError.x("illegal quoted key: multiline strings are not allowed", ctx);
      parsed.push(parseString(ctx));
      state = 2;
      ctx.p--;
    } else if (c === 32 || c === 9) {
      if (state === 1) {
        parsed.push(ctx.s.slice(sliceStart, ctx.p));
        state = 2;
      }
    } else if (state === 2 || c < 48 && c !== 45 || c > 57 && c < 65 || c > 90 && c < 97 && c !== 95 || c > 122) {
      TomlError.x("illegal character in key", ctx);
    } else if (!state) {
      state = 1;
      sliceStart = ctx.p;
    }
  } while (c = ctx.s.charCodeAt(++ctx.p));
  TomlError.x("incomplete key-value: cannot find end of key", ctx, startPtr);
}
function parseInlineTable(ctx) {
  let startPtr = ctx.p++;
  let res = /* @__PURE__ */ Object.create(null);
  let seen = /* @__PURE__ */ new Set();
  let c;
  while (ctx.p < ctx.s.length) {
    skipVoid(ctx);
    if ((c = ctx.s.charCodeAt(ctx.p)) === 125) {
      ctx.p++;
      return res;
    }
    let k;
    let t = res;
    let hasOwn = false;
    let errPtr = ctx.p;
    let key = parseKey(ctx);
    for (let i = 0; i < key.length; i++) {
      if (i)
        t = hasOwn ? t[k] : t[k] = /* @__PURE__ */ Object.create(null);
      k = key[i];
      if ((hasOwn = Object.hasOwn(t, k)) && (typeof t[k] !== "object" || seen.has(t[k]))) {
        TomlError.x("trying to redefine an already defined value", ctx, errPtr);
      }
      let unsafe = k === "__proto__";
      if (ctx.uk && (unsafe || k === "constructor")) {
        t = ctx.uk !== 1 && TomlError.x("document contains an unsafe property", ctx, errPtr);
        break;
      }
      if (!hasOwn && unsafe) {
        Object.defineProperty(t, k, { enumerable: true, configurable: true, writable: true });
      }
    }
    if (hasOwn) {
      TomlError.x("trying to redefine an already defined value", ctx, errPtr);
    }
    skipVoid(ctx, true, true);
    let value = extractValue(
      ctx,
      125
      /* } */
    );
    if (t && typeof (t[k] = value) === "object")
      seen.add(value);
    skipVoid(ctx);
    if ((c = ctx.s.charCodeAt(ctx.p++)) === 125) {
      return res;
    }
    if (c !== 44)
      TomlError.x("expected comma or end of structure", ctx, ctx.p - 1);
  }
  TomlError.x("unfinished table", ctx, startPtr);
}
function parseArray(ctx) {
  let startPtr = ctx.p++;
  let res = [];
  let c;
  while (ctx.p < ctx.s.length) {
    skipVoid(ctx);
    if ((c = ctx.s.charCodeAt(ctx.p)) === 93) {
      ctx.p++;
      return res;
    }
    res.push(extractValue(
      ctx,
      93
      /* ] */
    ));
    skipVoid(ctx);
    if ((c = ctx.s.charCodeAt(ctx.p++)) === 93) {
      return res;
    }
    if (c !== 44)
      TomlError.x("expected comma or end of structure", ctx, ctx.p - 1);
  }
  TomlError.x("unfinished array", ctx, startPtr);
}

// node_modules/smol-toml/dist/parse.js
function peekTable(ctx, key, table, meta, type) {
  let t = table;
  let m = meta;
  let k;
  let hasOwn = false;
  let state;
  for (let i = 0; i < key.length; i++) {
    if (i) {
      t = hasOwn ? t[k] : t[k] = /* @__PURE__ */ Object.create(null);
      m = (state = m[k]).c;
      if (type === 0 && (state.t === 1 || state.t === 2)) {
        return null;
      }
      if (state.t === 2) {
        let l = t.length - 1;
        t = t[l];
        m = m[l].c;
      }
    }
    k = key[i];
    if ((hasOwn = Object.hasOwn(t, k)) && m[k]?.t === 0 && m[k]?.d) {
      return null;
    }
    if (!hasOwn) {
      let unsafe = k === "__proto__";
      if (ctx.uk && (unsafe || k === "constructor"))
        return false;
      if (unsafe) {
        Object.defineProperty(t, k, { enumerable: true, configurable: true, writable: true });
        Object.defineProperty(m, k, { enumerable: true, configurable: true, writable: true });
      }
      m[k] = {
        t: i < key.length - 1 && type === 2 ? 3 : type,
        d: false,
        i: 0,
        c: /* @__PURE__ */ Object.create(null)
      };
    }
  }
  state = m[k];
  if (state.t !== type && !(type === 1 && state.t === 3)) {
    return null;
  }
  if (type === 2) {
    if (!state.d) {
      state.d = true;
      t[k] = [];
    }
    t[k].push(t = /* @__PURE__ */ Object.create(null));
    state.c[state.i++] = state = { t: 1, d: false, i: 0, c: /* @__PURE__ */ Object.create(null) };
  }
  if (state.d) {
    return null;
  }
  state.d = true;
  if (type === 1) {
    t = hasOwn ? t[k] : t[k] = /* @__PURE__ */ Object.create(null);
  } else if (type === 0 && hasOwn) {
    return null;
  }
  return [k, t, state.c];
}
function validateTablePeek(ctx, peek, ptr) {
  if (peek === null || ctx.uk === 2)
    TomlError.x(peek === null ? "trying to redefine an already defined table or value" : "document contains an unsafe property", ctx, ptr);
}
function parse(toml, options = {}) {
  let ctx = {
    s: toml,
    p: 0,
    d: options.maxDepth ?? 1e3,
    bi: options.integersAsBigInt ?? false,
    ld: options.useLegacyDate ?? true,
    uk: options.unsafeKeyBehaviour === "throw" ? 2 : options.unsafeKeyBehaviour === "drop" ? 1 : 0
  };
  let res = /* @__PURE__ */ Object.create(null);
  let meta = /* @__PURE__ */ Object.create(null);
  let tmp;
  let skipping = false;
  let tbl = res;
  let m = meta;
  if (toml.charCodeAt(0) === 65279)
    ctx.p++;
  skipVoid(ctx);
  while (ctx.p < toml.length) {
    if (toml.charCodeAt(ctx.p) === 91) {
      let isTableArray = toml.charCodeAt(++ctx.p) === 91;
      tmp = ctx.p += +isTableArray;
      skipping = false;
      let k = parseKey(
        ctx,
        93
        /* ] */
      );
      if (isTableArray) {
        if (toml.charCodeAt(ctx.p) !== 93) {
          TomlError.x("expected end of table array declaration", ctx);
        }
        ctx.p++;
      }
      let p = peekTable(
        ctx,
        k,
        res,
        meta,
        isTableArray ? 2 : 1
        /* Type.EXPLICIT */
      );
      if (!p) {
        validateTablePeek(ctx, p, tmp);
        skipping = true;
      } else {
        m = p[2];
        tbl = p[1];
      }
    } else {
      tmp = ctx.p;
      let k = parseKey(ctx);
      let p = peekTable(
        ctx,
        k,
        tbl,
        m,
        0
        /* Type.DOTTED */
      );
      if (!p && !skipping)
        validateTablePeek(ctx, p, tmp);
      skipVoid(ctx, true, true);
      let v = extractValue(ctx, void 0);
      if (p && !skipping)
        p[1][p[0]] = v;
    }
    skipVoid(ctx, true);
    if (ctx.p < toml.length && (tmp = toml.charCodeAt(ctx.p)) !== 10 && (tmp !== 13 || toml.charCodeAt(ctx.p + 1) !== 10)) {
      TomlError.x("each key-value declaration must be followed by an end-of-line", ctx);
    }
    skipVoid(ctx);
  }
  return res;
}

// node_modules/smol-toml/dist/stringify.js
var HAS_WELLFORMED = !!"".isWellFormed;

// src/lock/markers.ts
function targetEnvironment(target) {
  const full = `${target.pythonVersion}.0`;
  return {
    python_version: target.pythonVersion,
    python_full_version: full,
    implementation_version: full,
    implementation_name: "cpython",
    platform_python_implementation: "CPython",
    platform_machine: target.machine,
    platform_system: "Linux",
    sys_platform: "linux",
    os_name: "posix",
    platform_release: "",
    platform_version: ""
  };
}
var MarkerSyntaxError = class extends Error {
};
var MAX_MARKER_LENGTH = 16 * 1024;
var MAX_MARKER_DEPTH = 64;
var VARIABLES = /* @__PURE__ */ new Set([
  "python_version",
  "python_full_version",
  "implementation_version",
  "implementation_name",
  "platform_python_implementation",
  "platform_machine",
  "platform_system",
  "sys_platform",
  "os_name",
  "platform_release",
  "platform_version",
  "extra",
  "dependency_groups",
  "extras",
  // legacy spellings pip still accepts
  "os.name",
  "sys.platform",
  "platform.version",
  "platform.machine",
  "platform.python_implementation",
  "python_implementation"
]);
var LEGACY = {
  "os.name": "os_name",
  "sys.platform": "sys_platform",
  "platform.version": "platform_version",
  "platform.machine": "platform_machine",
  "platform.python_implementation": "platform_python_implementation",
  python_implementation: "platform_python_implementation"
};
function quoted2(text) {
  const one = text.replace(/\s+/g, " ").trim();
  return one.length > 60 ? `${one.slice(0, 60)}\u2026` : one;
}
var TOKEN = /\(|\)|===|==|!=|<=|>=|~=|<|>|'[^']*'|"[^"]*"|not\s+in\b|in\b|and\b|or\b|[A-Za-z_][A-Za-z0-9_.]*/y;
function isSpace(code) {
  return code === 32 || code >= 9 && code <= 13;
}
function tokenize(text) {
  const tokens = [];
  let pos = 0;
  for (; ; ) {
    while (pos < text.length && isSpace(text.charCodeAt(pos))) pos++;
    if (pos >= text.length) return tokens;
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(text);
    if (!m?.[0]) throw new MarkerSyntaxError(`cannot read marker at "${quoted2(text.slice(pos, pos + 80))}"`);
    tokens.push(m[0].replace(/\s+/g, " "));
    pos = TOKEN.lastIndex;
  }
}
function parseMarker(text) {
  const tokens = tokenize(text);
  let depth = 0;
  for (const t of tokens) {
    depth += t === "(" ? 1 : t === ")" ? -1 : 0;
    if (depth > MAX_MARKER_DEPTH)
      throw new MarkerSyntaxError(`marker nested too deeply (more than ${MAX_MARKER_DEPTH} parentheses)`);
  }
  if (text.length > MAX_MARKER_LENGTH)
    throw new MarkerSyntaxError(`marker is ${text.length} characters long (at most ${MAX_MARKER_LENGTH})`);
  let i = 0;
  const peek = () => tokens[i];
  const next = () => {
    const t = tokens[i++];
    if (t === void 0) throw new MarkerSyntaxError(`marker "${quoted2(text)}" ends too early`);
    return t;
  };
  const operand = () => {
    const t = next();
    if (t.startsWith('"') || t.startsWith("'")) return { literal: t.slice(1, -1) };
    if (VARIABLES.has(t)) return { variable: LEGACY[t] ?? t };
    throw new MarkerSyntaxError(`unknown marker variable "${quoted2(t)}" in "${quoted2(text)}"`);
  };
  const expr = (depth2) => {
    if (peek() === "(") {
      if (depth2 >= MAX_MARKER_DEPTH)
        throw new MarkerSyntaxError(`marker nested too deeply (more than ${MAX_MARKER_DEPTH} parentheses)`);
      next();
      const inner = or(depth2 + 1);
      if (next() !== ")") throw new MarkerSyntaxError(`missing ")" in "${quoted2(text)}"`);
      return inner;
    }
    const left = operand();
    const op = next();
    if (!["===", "==", "!=", "<=", ">=", "~=", "<", ">", "in", "not in"].includes(op)) {
      throw new MarkerSyntaxError(`unknown operator "${quoted2(op)}" in "${quoted2(text)}"`);
    }
    return { kind: "cmp", left, op, right: operand() };
  };
  const and = (depth2) => {
    const terms = [expr(depth2)];
    while (peek() === "and") {
      next();
      terms.push(expr(depth2));
    }
    return terms.length === 1 ? terms[0] : { kind: "and", terms };
  };
  const or = (depth2) => {
    const terms = [and(depth2)];
    while (peek() === "or") {
      next();
      terms.push(and(depth2));
    }
    return terms.length === 1 ? terms[0] : { kind: "or", terms };
  };
  const node = or(0);
  if (i !== tokens.length)
    throw new MarkerSyntaxError(`unexpected "${quoted2(tokens[i] ?? "")}" in marker "${quoted2(text)}"`);
  return node;
}
function evaluateMarker(marker, env, extras = [], groups = []) {
  const node = typeof marker === "string" ? parseMarker(marker) : marker;
  switch (node.kind) {
    case "or":
      return node.terms.some((t) => evaluateMarker(t, env, extras, groups));
    case "and":
      return node.terms.every((t) => evaluateMarker(t, env, extras, groups));
    case "cmp":
      return compare(node, env, extras, groups);
  }
}
function compare(node, env, extras, groups) {
  const setVariable = (o) => "variable" in o && (o.variable === "extra" || o.variable === "extras" || o.variable === "dependency_groups");
  if (setVariable(node.left) || setVariable(node.right)) {
    const variable = "variable" in node.left && setVariable(node.left) ? node.left : node.right;
    const literal = ("literal" in node.left ? node.left.literal : "literal" in node.right ? node.right.literal : "") ?? "";
    const pool = variable.variable === "dependency_groups" ? groups : extras;
    const has = pool.some((e) => normalizeExtra(e) === normalizeExtra(literal));
    if (node.op === "==" || node.op === "in") return has;
    if (node.op === "!=" || node.op === "not in") return !has;
    return false;
  }
  const value = (o) => "literal" in o ? o.literal : env[o.variable] ?? "";
  const left = value(node.left);
  const right = value(node.right);
  switch (node.op) {
    case "in":
      return right.includes(left);
    case "not in":
      return !right.includes(left);
    case "===":
      return left === right;
  }
  const asVersions = matchesSpecifier(left, `${node.op}${right}`);
  if (asVersions !== void 0 && /^\s*\d/.test(left)) return asVersions;
  if (node.op === "==") return left === right;
  if (node.op === "!=") return left !== right;
  throw new MarkerSyntaxError(`cannot compare "${quoted2(left)}" ${node.op} "${quoted2(right)}" (not versions)`);
}
function normalizeExtra(e) {
  return e.toLowerCase().replace(/[-_.]+/g, "-");
}

// src/lock/common.ts
function parseLockToml(text, file) {
  try {
    return parse(text);
  } catch (e) {
    if (e instanceof TomlError) {
      const first = e.message.split("\n")[0]?.replace(/^Invalid TOML document:\s*/, "") ?? e.message;
      throw new UserError(`malformed TOML: ${first} (column ${e.column})`, {
        where: { file, line: e.line },
        hint: "fix the file or regenerate it with the tool that wrote it",
        cause: e
      });
    }
    throw e;
  }
}
function readPyprojectBeside(ctx) {
  const abs2 = path11.join(path11.dirname(ctx.path), "pyproject.toml");
  if (!existsSync4(abs2)) return void 0;
  const file = path11.relative(ctx.workingDirectory, abs2) || "pyproject.toml";
  const text = readLockText(abs2, file, { file }, [ctx.workingDirectory, path11.dirname(ctx.path)], "pyproject.toml");
  return { doc: parseLockToml(text, file), file };
}
function asTable(v) {
  return v !== null && typeof v === "object" && !Array.isArray(v) && !(v instanceof Date) ? v : void 0;
}
function asArray(v) {
  return Array.isArray(v) ? v : [];
}
function asString(v) {
  return typeof v === "string" ? v : void 0;
}
function lineOf(text, re) {
  const m = re.exec(text);
  return m ? text.slice(0, m.index).split("\n").length : void 0;
}
var PackageLines = class {
  byName = /* @__PURE__ */ new Map();
  /** the line of every table header, named or not, in file order */
  headers = [];
  constructor(text, header) {
    const lines = text.split(/\r?\n/);
    let current;
    const flush = () => {
      if (!current?.name) return;
      const list = this.byName.get(current.name) ?? [];
      list.push({ version: current.version, line: current.line });
      this.byName.set(current.name, list);
    };
    lines.forEach((raw, i) => {
      const line = raw.trim();
      if (line === header) {
        flush();
        current = { line: i + 1 };
        this.headers.push(i + 1);
      } else if (line.startsWith("[")) {
        if (!line.startsWith(`${header.slice(0, -2)}.`) && !line.startsWith(`[${header.slice(2, -2)}.`)) {
          flush();
          current = void 0;
        }
      } else if (current) {
        const m = /^(name|version)\s*=\s*"([^"]*)"/.exec(line);
        if (m?.[1] === "name" && current.name === void 0) current.name = normalizeName(m[2] ?? "");
        if (m?.[1] === "version" && current.version === void 0) current.version = m[2];
      }
    });
    flush();
  }
  find(name, version) {
    const entries = this.byName.get(normalizeName(name)) ?? [];
    return (entries.find((e) => version === void 0 || e.version === version) ?? entries[0])?.line;
  }
  /**
   * The line of the `index`-th table (the parser's array order), when every table of the
   * array is written as a `[[…]]` header; else the first table of that name and version.
   */
  at(index, count, name, version) {
    return this.headers.length === count ? this.headers[index] : this.find(name, version);
  }
};
function markerTrue(marker, env, extras, groups, where) {
  try {
    return evaluateMarker(marker, env, extras, groups);
  } catch (e) {
    if (e instanceof MarkerSyntaxError) {
      throw new UserError(`cannot evaluate the marker ${quoted(marker, 200)}: ${e.message}`, {
        where,
        hint: "regenerate the lockfile; report it if the tool wrote it this way"
      });
    }
    throw e;
  }
}
function describeTarget(target) {
  return `${target.runtime} ${target.architecture} (Python ${target.pythonVersion}, ${target.machine}, glibc ${target.glibcCeiling.join(".")})`;
}
function listOrNone(items) {
  return items.length ? items.join(", ") : "none";
}
function parsePep508(requirement) {
  const text = requirement;
  let pos = 0;
  const skipSpace = () => {
    while (pos < text.length && /\s/.test(text[pos])) pos++;
  };
  skipSpace();
  const nameStart = pos;
  while (pos < text.length && /[A-Za-z0-9._-]/.test(text[pos])) pos++;
  const name = text.slice(nameStart, pos);
  if (!/^[A-Za-z0-9]/.test(name) || !/[A-Za-z0-9]$/.test(name)) return void 0;
  skipSpace();
  let extras = [];
  if (text[pos] === "[") {
    const close = text.indexOf("]", pos);
    if (close < 0) return void 0;
    extras = text.slice(pos + 1, close).split(",").map((e) => e.trim()).filter(Boolean);
    pos = close + 1;
  }
  const semicolon = text.indexOf(";", pos);
  const rest = (semicolon < 0 ? text.slice(pos) : text.slice(pos, semicolon)).trim();
  const marker = semicolon < 0 ? void 0 : text.slice(semicolon + 1).trim() || void 0;
  const url = rest.startsWith("@") ? rest.slice(1).trim() : void 0;
  let specifier = url ? "" : rest;
  if (specifier.startsWith("(") && specifier.endsWith(")")) specifier = specifier.slice(1, -1).trim();
  return { name: normalizeName(name), extras: extras.map(normalizeName), specifier, url, marker };
}
function requirementOf(value, at) {
  const text = typeof value === "string" ? value : void 0;
  const parsed = text === void 0 ? void 0 : parsePep508(text);
  if (!parsed || hasControl(text ?? "", true)) {
    throw new UserError(`"${shown(text ?? JSON.stringify(value) ?? "", 200)}" is not a requirement (PEP 508)`, {
      where: at,
      hint: at.hint ?? `write it as PEP 508 does, e.g. "requests[socks]>=2.31; python_version < '3.13'"`
    });
  }
  const where = { ...at, distribution: parsed.name };
  checkName(parsed.name, where);
  for (const extra of parsed.extras) checkExtra(extra, where);
  return parsed;
}
function checkRequiresPython(text, table, key, ctx, what) {
  const specifier = asString(table[key]);
  if (!specifier) return;
  if (matchesSpecifier(`${ctx.target.pythonVersion}.0`, specifier) === false) {
    throw new UserError(
      `${what} was locked for Python ${specifier}, which excludes the runtime ${ctx.target.runtime} (Python ${ctx.target.pythonVersion})`,
      {
        where: { file: ctx.file, line: lineOf(text, new RegExp(`^${key}\\s*=`, "m")) },
        hint: "choose a runtime inside that range, or widen the project's requires-python and relock"
      }
    );
  }
}
function basename(urlOrPath) {
  const last = urlOrPath.split(/[?#]/)[0]?.split("/").pop() ?? "";
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}
function sdistOnly(filenames, hasSdist) {
  return !filenames.some((f) => f.endsWith(".whl")) && (hasSdist || filenames.length > 0);
}
function checkWheels(a) {
  const where = { ...a.where, distribution: a.name };
  const wheels = a.filenames.filter((f) => f.endsWith(".whl"));
  if (wheels.length === 0) {
    if (a.hasSdist || a.filenames.length > 0) {
      return new UserError(
        `${a.table}: only a source distribution of ${a.name} ${a.version} is locked, and build-from-source is never`,
        {
          where,
          hint: "set `build-from-source: pure` (the default) to build it on the runner, use a version that publishes wheels, or build a manylinux wheel of it and serve it from your index"
        }
      );
    }
    return new UserError(
      `${a.table}: ${a.name} ${a.version} has neither wheels nor a source distribution in the lock`,
      { where, hint: "regenerate the lockfile" }
    );
  }
  const parsed = wheels.map((f) => parseWheelFilename(f)).filter((w) => w !== void 0);
  if (parsed.length === 0) return void 0;
  const reasons = [];
  for (const wheel of parsed) {
    const fit = wheelFits(wheel, a.target);
    if (fit.fits) return void 0;
    reasons.push(`${wheel.filename}: ${fit.reason}`);
  }
  const shown2 = reasons.slice(0, 4).map((r) => `
    ${r}`).join("");
  return new UserError(
    `${a.table}: none of the ${parsed.length} wheel(s) locked for ${a.name} ${a.version} runs on ${describeTarget(a.target)}:${shown2}${reasons.length > 4 ? `
    \u2026 and ${reasons.length - 4} more` : ""}`,
    {
      where,
      hint: "the lock lists no wheel for this runtime and architecture: pin a version that publishes one (AL2 runtimes need manylinux2014/manylinux_2_17 or older) and relock, or lock on/for the Lambda platform"
    }
  );
}
function projectPath(ctx, recorded) {
  const abs2 = path11.resolve(path11.dirname(ctx.path), recorded);
  if (!isInside(ctx.workingDirectory, abs2) && !isInside(path11.dirname(ctx.path), abs2)) return void 0;
  return { abs: abs2, rel: path11.relative(ctx.workingDirectory, abs2).split(path11.sep).join("/") || "." };
}
function firstPartyPath(ctx, recorded, table, name, where) {
  checkPath(recorded, { ...where, distribution: name });
  const inside = projectPath(ctx, recorded);
  if (!inside) {
    throw new UserError(`${table}: ${name} comes from the directory ${recorded}, outside the project`, {
      where: { ...where, distribution: name },
      hint: "move it inside `working-directory`, or publish a wheel of it to an index and depend on it by version"
    });
  }
  return inside.rel;
}
function localWheelDir(ctx, recorded, table, name, where) {
  checkPath(recorded, { ...where, distribution: name });
  const inside = projectPath(ctx, recorded);
  if (!inside) {
    throw new UserError(`${table}: ${name} comes from the local file ${recorded}, outside the project`, {
      where: { ...where, distribution: name },
      hint: "put the wheel inside `working-directory`, or serve it from an index and depend on it by version"
    });
  }
  if (!inside.abs.endsWith(".whl")) {
    throw new UserError(
      `${table}: ${name} comes from the source archive ${recorded}, and Lambda packages are installed from wheels only`,
      {
        where: { ...where, distribution: name },
        hint: "build a manylinux wheel of it and lock that instead"
      }
    );
  }
  return path11.dirname(inside.abs);
}
function vcsError(table, name, source, where) {
  return new UserError(
    `${table}: ${name} comes from the repository ${source}, which this action does not build (git sources at a full commit are built)`,
    {
      where: { ...where, distribution: name },
      hint: "publish a wheel of it to an index (or vendor its code into the project) and depend on it by version"
    }
  );
}
function indexesFor(requirements, usesDefaultIndex = false) {
  const indexes = emptyIndexOptions();
  const recorded = [...new Set(requirements.map((r) => r.index).filter((i) => !!i))];
  const pypi = recorded.find((u) => /^https:\/\/pypi\.org\/simple\/?$/.test(u));
  const primary = usesDefaultIndex ? void 0 : pypi ?? recorded[0];
  if (primary) indexes.indexUrl = primary;
  indexes.extraIndexUrls = recorded.filter((u) => u !== primary && !(usesDefaultIndex && u === pypi));
  return indexes;
}
function refuseDuplicateTables(tables, sameTable, describe, ctx) {
  const seen = /* @__PURE__ */ new Map();
  const errors = [];
  for (const t of tables) {
    const key = sameTable(t);
    const first = seen.get(key);
    if (!first) {
      seen.set(key, t);
      continue;
    }
    errors.push(
      new UserError(
        `${describe(t)} is in ${ctx.lockName} twice (line ${first.line ?? "?"} and line ${t.line ?? "?"})`,
        { where: { file: ctx.file, line: t.line, distribution: t.name }, hint: ctx.hint }
      )
    );
  }
  throwAll(errors);
}

// src/lock/entry.ts
function entryOrigin(raw, errors) {
  const { rawName, table, file, line, hint } = raw;
  const before = errors.length;
  collectError(errors, () => checkName(rawName, { file, line, hint }));
  if (errors.length > before) return void 0;
  const name = normalizeName(rawName);
  const where = { file, line, distribution: name };
  return { name, rawName, table, where, at: { ...where, hint } };
}
function collectError(errors, read) {
  try {
    read();
  } catch (e) {
    if (e instanceof UserError) errors.push(e);
    else throw e;
  }
}

// src/lock/sources.ts
import { fileURLToPath, pathToFileURL } from "node:url";
var NEVER_HINT = "set `build-from-source: pure` (the default) to build it on the runner";
function buildsFromSource(ctx) {
  return (ctx.buildFromSource ?? "pure") !== "never";
}
function origin(entry) {
  return { ...entry.where, distribution: entry.name, hint: entry.relock };
}
function pinOf2(entry, hashes, build2) {
  return {
    name: entry.name,
    version: entry.version,
    extras: [...entry.extras ?? []].sort(),
    hashes: [...new Set(hashes)],
    where: { ...entry.where, table: entry.table },
    build: build2
  };
}
function sdistPin(entry, hashes) {
  return pinOf2(entry, hashes, { kind: "sdist" });
}
function sourceRefused(entry, what, hint = NEVER_HINT) {
  return new UserError(`${entry.table}: ${entry.name} comes from ${what}, and build-from-source is never`, {
    where: { ...entry.where, distribution: entry.name },
    hint: `${hint}, or publish a wheel of it to an index and depend on it by version`
  });
}
function gitPin(entry, ctx, source) {
  const rawUrl = typeof source.url === "string" ? source.url.replace(/^git\+/, "") : source.url;
  if (!buildsFromSource(ctx)) {
    const label = typeof rawUrl === "string" ? shown(rawUrl, 200) : "a git repository";
    throw sourceRefused(entry, `the git repository ${label}`);
  }
  const at = origin(entry);
  const checkedUrl = checkGitUrl(rawUrl, at);
  const url = /^file:/i.test(checkedUrl) ? insideProject(localFile(checkedUrl, entry), entry, ctx, "git repository") : checkedUrl;
  if (!isFullCommit(source.commit)) {
    const named = typeof source.commit === "string" && source.commit ? `"${shown(source.commit)}"` : typeof source.requested === "string" ? `only the revision "${shown(source.requested)}"` : "no commit";
    throw new UserError(
      `${entry.table}: the git source of ${entry.name} names ${named}, not a full commit: a branch or tag name, or an abbreviated hash, does not pin the code`,
      {
        where: { ...entry.where, distribution: entry.name },
        hint: "lock it again so the lock records the full 40-hex commit (uv lock, poetry lock, pipenv lock), or write `name @ git+URL@<full commit>`"
      }
    );
  }
  const subdirectory = source.subdirectory === void 0 ? void 0 : checkSubdirectory(source.subdirectory, at);
  return pinOf2(entry, [], { kind: "git", url, commit: source.commit, ...subdirectory ? { subdirectory } : {} });
}
function archivePin(entry, ctx, source, hashes) {
  const shownSource = shown(source.url ?? source.path ?? "(no url)", 200);
  const location = source.url ?? source.path ?? "";
  if (!buildsFromSource(ctx) || /\.whl$/i.test(location.split(/[?#]/)[0] ?? "")) {
    throw new UserError(`${entry.table}: ${entry.name} comes from the direct URL ${shownSource}, not from an index`, {
      where: { ...entry.where, distribution: entry.name },
      hint: /\.whl$/i.test(location) ? "serve the wheel from an index (or a folder inside the project) and depend on it by version" : `${NEVER_HINT}, or serve a wheel of it from an index and depend on it by version`
    });
  }
  if (hashes.length === 0) {
    throw new UserError(
      `${entry.table}: the archive ${shownSource} of ${entry.name} has no hash in the lock, so what would be built is not pinned`,
      {
        where: { ...entry.where, distribution: entry.name },
        hint: "lock it with its sha256 (`--hash=sha256:\u2026` in a requirements file; uv, Poetry and pylock record it themselves)"
      }
    );
  }
  const at = origin(entry);
  let url;
  const fileUrl = source.url !== void 0 && /^file:/i.test(source.url);
  if (source.url !== void 0 && !fileUrl) url = checkArchiveUrl(source.url, at);
  else {
    const local = fileUrl ? localFile(checkArchiveUrl(source.url, at), entry) : checkPath(source.path, at);
    url = insideProject(local, entry, ctx, "archive");
  }
  const subdirectory = source.subdirectory === void 0 ? void 0 : checkSubdirectory(source.subdirectory, at);
  return pinOf2(entry, hashes, { kind: "archive", url, ...subdirectory ? { subdirectory } : {} });
}
function insideProject(local, entry, ctx, what) {
  const inside = projectPath(ctx, local);
  if (!inside) {
    throw new UserError(
      `${entry.table}: ${entry.name} comes from the ${what} ${shown(local, 200)}, outside the project`,
      {
        where: { ...entry.where, distribution: entry.name },
        hint: `put the ${what} inside \`working-directory\`, or serve it from an index (a repository over https or ssh)`
      }
    );
  }
  return pathToFileURL(inside.abs).href;
}
function localFile(url, entry) {
  try {
    return fileURLToPath(url);
  } catch {
    throw new UserError(`${entry.table}: the source ${shown(url, 200)} of ${entry.name} is no file on this runner`, {
      where: { ...entry.where, distribution: entry.name },
      hint: "write it as file:///absolute/path inside the project, or as a path relative to the lockfile"
    });
  }
}
function parseUvGitSource(value) {
  const hash = value.indexOf("#");
  const commit = hash >= 0 ? value.slice(hash + 1) : "";
  const beforeHash = hash >= 0 ? value.slice(0, hash) : value;
  const query = beforeHash.indexOf("?");
  const url = query >= 0 ? beforeHash.slice(0, query) : beforeHash;
  const params = new URLSearchParams(query >= 0 ? beforeHash.slice(query + 1) : "");
  const rev = params.get("rev") ?? params.get("tag") ?? params.get("branch") ?? void 0;
  const subdirectory = params.get("subdirectory") ?? void 0;
  return { url, commit, ...subdirectory ? { subdirectory } : {}, ...rev ? { rev } : {} };
}

// src/lock/pipfile.ts
var SUPPORTED_SPEC = 6;
var RELOCK = "run `pipenv lock` and commit the updated Pipfile.lock";
function sectionGroups(section) {
  if (section === "develop") return [...DEVELOP_ALIASES];
  if (section === "default") return ["default", "packages"];
  return [section, normalizeName(section)];
}
var DEVELOP_ALIASES = /* @__PURE__ */ new Set(["develop", "dev-packages", "dev"]);
function readPipfileLock(text, ctx) {
  const doc = parseJson(text, ctx.file);
  const meta = asObject(doc._meta);
  checkHeader(doc, meta, text, ctx);
  const sources = (Array.isArray(meta?.sources) ? meta.sources : []).map(asObject).filter((s) => !!s && typeof s.url === "string");
  const errors = [];
  const sections = selectSections(doc, ctx, errors);
  const entries = new PipfileEntries(ctx, targetEnvironment(ctx.target), sources, errors);
  for (const section of sections) entries.readSection(text, section, doc[section]);
  throwAll(errors);
  return entries.lockedSet();
}
function checkHeader(doc, meta, text, ctx) {
  const spec = meta?.["pipfile-spec"];
  if (spec !== SUPPORTED_SPEC) {
    throw new UserError(
      `unsupported Pipfile.lock pipfile-spec ${JSON.stringify(spec ?? "(missing)")}: this action reads pipfile-spec ${SUPPORTED_SPEC}`,
      {
        where: { file: ctx.file, line: lineOfKey(text, "pipfile-spec") },
        hint: "relock with a current pipenv (`pipenv lock`)"
      }
    );
  }
  if (!asObject(doc.default)) {
    throw new UserError(
      `Pipfile.lock has no "default" section (found ${doc.default === void 0 ? "none" : shown(JSON.stringify(doc.default))}): it must be an object of packages, even an empty one`,
      { where: { file: ctx.file, line: lineOfKey(text, "default") }, hint: RELOCK }
    );
  }
}
function selectSections(doc, ctx, errors) {
  const categories = Object.keys(doc).filter((k) => k !== "_meta");
  const sections = ["default"];
  for (const g of ctx.groups) {
    const name = DEVELOP_ALIASES.has(g.toLowerCase()) ? "develop" : categories.find((c) => normalizeName(c) === normalizeName(g));
    if (name && categories.includes(name)) sections.push(name);
    else
      errors.push(
        new UserError(
          `group "${g}" is not a section of Pipfile.lock (sections: ${listOrNone(categories.filter((c) => c !== "default"))})`,
          {
            where: { file: ctx.file },
            hint: 'remove it from `groups`; pipenv\'s dev-packages are the group "develop"'
          }
        )
      );
  }
  return [...new Set(sections)];
}
var PipfileEntries = class {
  constructor(ctx, env, sources, errors) {
    this.ctx = ctx;
    this.env = env;
    this.sources = sources;
    this.errors = errors;
  }
  ctx;
  env;
  sources;
  errors;
  byName = /* @__PURE__ */ new Map();
  firstParty = [];
  findLinks = /* @__PURE__ */ new Set();
  trustedHosts = /* @__PURE__ */ new Set();
  readSection(text, section, value) {
    const packages = asObject(value);
    if (!packages) {
      this.errors.push(
        new UserError(`section "${shown(section)}" of Pipfile.lock is not an object of packages`, {
          where: { file: this.ctx.file, line: lineOfKey(text, section) },
          hint: RELOCK
        })
      );
      return;
    }
    const entryLines = new EntryLines(text, section);
    for (const [rawName, raw] of Object.entries(packages))
      this.readEntry(section, rawName, raw, entryLines.next(rawName));
  }
  lockedSet() {
    const requirements = [...this.byName.values()].sort((a, b) => a.name.localeCompare(b.name));
    const indexes = indexesFor(requirements);
    const first = this.sources[0];
    const primary = first === void 0 ? void 0 : checkIndexUrl(first.url, { file: this.ctx.file, hint: RELOCK });
    if (primary) {
      indexes.indexUrl = primary;
      indexes.extraIndexUrls = indexes.extraIndexUrls.filter((u) => u !== primary);
      if (first?.verify_ssl === false) this.trustedHosts.add(hostOf(primary));
    }
    append(indexes.findLinks, this.findLinks);
    append(indexes.trustedHosts, this.trustedHosts);
    return {
      format: "pipfile",
      lockfile: this.ctx.file,
      requirements,
      indexes,
      complete: true,
      firstParty: this.firstParty
    };
  }
  readEntry(section, rawName, raw, line) {
    const table = `"${section}" \u2192 "${rawName}"`;
    const it = entryOrigin({ rawName, table, file: this.ctx.file, line, hint: RELOCK }, this.errors);
    if (!it) return;
    collectError(this.errors, () => {
      const entry = asObject(raw);
      if (!entry) throw new UserError(`${table}: the entry is not an object`, { where: it.where, hint: RELOCK });
      const marker = typeof entry.markers === "string" ? entry.markers : void 0;
      if (marker && !markerTrue(marker, this.env, [], sectionGroups(section), it.where)) return;
      const source = this.fromSource(entry, it);
      if (source === "first-party") return;
      this.merge(source ?? this.requirement(entry, it), it);
    });
  }
  /**
   * The source decision for what is not an index pin: a git repository or an archive becomes a
   * pin to build, another vcs is refused, a local wheel's directory is a find-links, a local
   * folder is first-party; undefined for an index pin.
   */
  fromSource(entry, it) {
    const { name, table, where, at } = it;
    const hashes = () => (Array.isArray(entry.hashes) ? entry.hashes : []).map((h) => checkHash(h, at));
    const source = {
      table,
      name,
      version: typeof entry.version === "string" ? /^===?\s*(\S+)$/.exec(entry.version.trim())?.[1] ?? "" : "",
      extras: (Array.isArray(entry.extras) ? entry.extras : []).map((e) => normalizeName(checkExtra(e, at))),
      where: { file: this.ctx.file, line: where.line },
      relock: RELOCK
    };
    if (typeof entry.git === "string") {
      const git = { url: entry.git, commit: entry.ref, subdirectory: entry.subdirectory };
      return gitPin(source, this.ctx, git);
    }
    for (const vcs of ["hg", "svn", "bzr"]) {
      if (typeof entry[vcs] === "string")
        throw vcsError(table, name, `${entry[vcs]}${entry.ref ? ` (${String(entry.ref)})` : ""}`, where);
    }
    if (typeof entry.file === "string") return archivePin(source, this.ctx, { url: entry.file }, hashes());
    if (typeof entry.path !== "string") return void 0;
    const local = projectPath(this.ctx, entry.path);
    if (local?.abs.endsWith(".whl")) {
      this.findLinks.add(localWheelDir(this.ctx, entry.path, table, name, where));
      return void 0;
    }
    if (/\.(tar\.gz|tgz|zip|tar\.bz2|tar\.xz)$/i.test(entry.path))
      return archivePin(source, this.ctx, { path: entry.path }, hashes());
    this.firstParty.push({ name, path: firstPartyPath(this.ctx, entry.path, table, name, where) });
    return "first-party";
  }
  requirement(entry, { name, rawName, table, where, at }) {
    const pinned = typeof entry.version === "string" ? /^===?\s*(\S+)$/.exec(entry.version.trim())?.[1] : void 0;
    if (!pinned) {
      throw new UserError(
        `${table}: ${rawName} is not pinned to one version (${shown(JSON.stringify(entry.version ?? "no version"))})`,
        { where, hint: RELOCK }
      );
    }
    const version = checkVersion(pinned, at);
    const req = {
      name,
      version,
      extras: (Array.isArray(entry.extras) ? entry.extras : []).map((e) => normalizeName(checkExtra(e, at))).sort(),
      hashes: (Array.isArray(entry.hashes) ? entry.hashes : []).map((h) => checkHash(h, at)),
      where: { file: this.ctx.file, line: where.line, table }
    };
    if (typeof entry.index === "string") req.index = this.indexUrl(entry.index, table, where, at);
    return req;
  }
  /** `index` names one of `_meta.sources`; a source with `verify_ssl = false` makes its host trusted. */
  indexUrl(index, table, where, at) {
    const source = this.sources.find((s) => s.name === index);
    if (!source) {
      throw new UserError(
        `${table}: index "${shown(index)}" is not one of _meta.sources (${shown(listOrNone(this.sources.map((s) => String(s.name))), 200)})`,
        { where, hint: RELOCK }
      );
    }
    const url = checkIndexUrl(source.url, at);
    if (source.verify_ssl === false) this.trustedHosts.add(hostOf(source.url));
    return url;
  }
  /** A name locked in two sections must be the same pin there; its extras are the union. */
  merge(req, { name, rawName, table, where }) {
    const previous = this.byName.get(name);
    if (!previous) {
      this.byName.set(name, req);
      return;
    }
    if (previous.version !== req.version) {
      throw new UserError(
        `${table}: ${rawName} ${req.version} differs from ${previous.version} in "${previous.where.table?.split('"')[1]}"`,
        { where, hint: RELOCK }
      );
    }
    const indexesDiffer = previous.index !== void 0 && req.index !== void 0 && previous.index !== req.index;
    const sourcesDiffer = JSON.stringify(previous.build) !== JSON.stringify(req.build);
    if (!sameHashes(previous.hashes, req.hashes) || indexesDiffer || sourcesDiffer) {
      const what = indexesDiffer ? "indexes" : sourcesDiffer ? "sources" : "hashes";
      throw new UserError(
        `${table}: ${rawName} ${req.version} is locked twice with different ${what} (line ${previous.where.line ?? "?"} and line ${where.line ?? "?"})`,
        { where, hint: RELOCK }
      );
    }
    previous.index ??= req.index;
    previous.extras = [.../* @__PURE__ */ new Set([...previous.extras, ...req.extras])].sort();
  }
};
function sameHashes(a, b) {
  return a.length === b.length && a.every((h) => b.includes(h));
}
function asObject(v) {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? v : void 0;
}
function hostOf(url) {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
function parseJson(text, file) {
  let value;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const syntax = findJsonError(text);
    throw new UserError(`malformed JSON${syntax ? ` ${describeJsonError(syntax)}` : ""}`, {
      where: { file, line: syntax?.line },
      hint: "fix the file or regenerate it with `pipenv lock`",
      cause: e
    });
  }
  const doc = asObject(value);
  if (!doc) throw new UserError("Pipfile.lock is not a JSON object", { where: { file }, hint: RELOCK });
  return doc;
}
function lineAt(text, offset) {
  return text.slice(0, offset).split("\n").length;
}
function lineOfKey(text, key) {
  const at = text.indexOf(`"${key}"`);
  return at >= 0 ? lineAt(text, at) : void 0;
}
var EntryLines = class {
  constructor(text, section) {
    this.text = text;
    for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) this.lineStarts.push(i + 1);
    this.cursor = text.search(new RegExp(`^\\s{0,4}"${escapeRegExp(section)}"\\s*:`, "m"));
  }
  text;
  cursor;
  lineStarts = [0];
  next(name) {
    if (this.cursor < 0) return void 0;
    const key = new RegExp(`"${escapeRegExp(name)}"\\s*:\\s*\\{`, "g");
    key.lastIndex = this.cursor;
    const m = key.exec(this.text);
    if (!m) {
      this.cursor = -1;
      return void 0;
    }
    this.cursor = m.index + m[0].length;
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = lo + hi + 1 >> 1;
      if (this.lineStarts[mid] <= m.index) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }
};
function escapeRegExp(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

// src/lock/poetry-select.ts
var RELOCK2 = "run `poetry lock` and commit the updated poetry.lock";
var PoetrySelection = class {
  constructor(packages, env, ctx) {
    this.packages = packages;
    this.env = env;
    this.ctx = ctx;
    for (const p of packages) this.byName.set(p.name, [...this.byName.get(p.name) ?? [], p]);
  }
  packages;
  env;
  ctx;
  /** selected packages by id, with the extras asked of them */
  extras = /* @__PURE__ */ new Map();
  /** reported together at the end, so that one run shows every problem of the lock */
  errors = [];
  byName = /* @__PURE__ */ new Map();
  select(p, extras = []) {
    this.extras.set(p.id, /* @__PURE__ */ new Set([...this.extras.get(p.id) ?? [], ...extras]));
  }
  contains(name) {
    return this.byName.has(name);
  }
  /** Runs one step; its UserError joins the others, anything else is a bug and ends the read. */
  collect(step) {
    collectError(this.errors, step);
  }
  edgeApplies(edge, extras, where) {
    return (!edge.marker || markerTrue(edge.marker, this.env, extras, [], where)) && (!edge.python || matchesSpecifier(`${this.ctx.target.pythonVersion}.0`, edge.python) !== false) && (!edge.platform || edge.platform === "linux");
  }
  pick(edge) {
    let candidates = this.byName.get(edge.name) ?? [];
    if (candidates.length > 1 && edge.constraint) {
      const fitting = candidates.filter((p) => matchesSpecifier(p.version, edge.constraint) !== false);
      if (fitting.length > 0) candidates = fitting;
    }
    if (candidates.length > 1) {
      const python = `${this.ctx.target.pythonVersion}.0`;
      const fitting = candidates.filter(
        (p) => !p.pythonVersions || matchesSpecifier(python, p.pythonVersions) !== false
      );
      if (fitting.length > 0) candidates = fitting;
    }
    return candidates.reduce(
      (best, p) => best === void 0 || compareVersions(p.version, best.version) > 0 ? p : best,
      void 0
    );
  }
};
function selectByGroups(sel, roots) {
  const { ctx, packages } = sel;
  const known = new Set(packages.flatMap((p) => p.groups ?? []).map(normalizeName));
  for (const g of ctx.groups) {
    if (!known.has(normalizeName(g)) && !roots?.groupNames.has(normalizeName(g))) {
      sel.errors.push(
        new UserError(`dependency group "${g}" is not in poetry.lock (groups: ${listOrNone([...known])})`, {
          where: { file: ctx.file },
          hint: "remove it from `groups`, or add the group to pyproject.toml and run `poetry lock`"
        })
      );
    }
  }
  const wanted = ["main", ...ctx.groups].map(normalizeName);
  const optionalWanted = roots ? new Set(roots.extraPackages) : /* @__PURE__ */ new Set();
  for (const p of packages) {
    const where = { file: ctx.file, line: p.line, distribution: p.name };
    sel.collect(() => {
      const applies = (p.groups ?? []).some((g) => {
        if (!wanted.includes(normalizeName(g))) return false;
        const marker = typeof p.markers === "string" ? p.markers : asString(asTable(p.markers)?.[g]);
        return !marker || markerTrue(marker, sel.env, ctx.extras, [], where);
      });
      if (!applies) return;
      const markerText = typeof p.markers === "string" ? p.markers : JSON.stringify(p.markers ?? "");
      if (p.optional && !/\bextra\b/.test(markerText) && !optionalWanted.has(p.name)) return;
      sel.select(p);
    });
  }
  if (roots) {
    for (const edge of roots.edges) {
      if (!sel.edgeApplies(edge, ctx.extras, { file: roots.file })) continue;
      if (!sel.contains(edge.name)) sel.errors.push(staleLock(edge.name, roots.file, ctx));
    }
  }
}
function selectByWalk(sel, roots, lockVersion) {
  const { ctx } = sel;
  if (!roots) {
    throw new UserError(
      `poetry.lock lock-version ${lockVersion} does not record which packages are runtime dependencies: the pyproject.toml beside it is needed, and there is none`,
      {
        where: { file: ctx.file },
        hint: "keep poetry.lock next to its pyproject.toml, or relock with Poetry 2 (lock-version 2.1)"
      }
    );
  }
  for (const g of ctx.groups) {
    if (!roots.groupNames.has(normalizeName(g))) {
      sel.errors.push(
        new UserError(
          `dependency group "${g}" is not in ${roots.file} (groups: ${listOrNone([...roots.groupNames])})`,
          { where: { file: roots.file }, hint: "remove it from `groups`" }
        )
      );
    }
  }
  new DependencyWalk(sel, roots).run();
}
var DependencyWalk = class {
  constructor(sel, roots) {
    this.sel = sel;
    this.roots = roots;
  }
  sel;
  roots;
  queue = [];
  seen = /* @__PURE__ */ new Set();
  run() {
    const { sel, roots } = this;
    for (const edge of roots.edges) {
      sel.collect(() => this.visit(edge, roots.file, sel.ctx.extras, { file: roots.file }, true));
    }
    while (this.queue.length > 0) {
      const { pkg, extras } = this.queue.shift();
      const activated = new Set(extras.flatMap((e) => pkg.extras.get(normalizeName(e)) ?? []));
      for (const edge of pkg.dependencies) {
        if (edge.optional && !activated.has(edge.name)) continue;
        const where = { file: sel.ctx.file, line: pkg.line, distribution: pkg.name };
        sel.collect(() => this.visit(edge, pkg.table, extras, where, false));
      }
    }
  }
  visit(edge, from, fromExtras, where, isRoot) {
    const { sel } = this;
    if (!sel.edgeApplies(edge, fromExtras, where)) return;
    const pkg = sel.pick(edge);
    if (!pkg) {
      throw isRoot ? staleLock(edge.name, this.roots.file, sel.ctx) : new UserError(`${from}: depends on ${edge.name}, which poetry.lock does not contain`, {
        where,
        hint: `the lock is damaged or was edited by hand: ${RELOCK2}`
      });
    }
    const key = `${pkg.id}[${[...edge.extras].sort().join(",")}]`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    sel.select(pkg, edge.extras);
    this.queue.push({ pkg, extras: edge.extras });
  }
};
function staleLock(name, pyprojectFile, ctx) {
  return new UserError(
    `poetry.lock does not match pyproject.toml: ${pyprojectFile} requires ${name}, which poetry.lock does not contain`,
    {
      where: { file: ctx.file, distribution: name },
      hint: RELOCK2
    }
  );
}

// src/lock/poetry.ts
var SUPPORTED_POETRY = ["1.1", "2.0", "2.1"];
function readPoetryLock(text, ctx) {
  const doc = parseLockToml(text, ctx.file);
  const metadata = asTable(doc.metadata) ?? {};
  const lockVersion = checkHeader2(text, metadata, ctx);
  const packages = readPackages(text, doc, metadata, ctx);
  const env = targetEnvironment(ctx.target);
  const pyproject = readPyprojectBeside(ctx);
  const roots = pyproject ? rootEdges(pyproject.doc, pyproject.file, ctx) : void 0;
  const sel = new PoetrySelection(packages, env, ctx);
  if (lockVersion === "2.1" && packages.some((p) => p.groups !== void 0)) selectByGroups(sel, roots);
  else selectByWalk(sel, roots, lockVersion);
  return pinSelected(sel);
}
function checkHeader2(text, metadata, ctx) {
  const lockVersion = asString(metadata["lock-version"]);
  if (!lockVersion || !SUPPORTED_POETRY.includes(lockVersion)) {
    throw new UserError(
      `unsupported poetry.lock lock-version ${JSON.stringify(metadata["lock-version"] ?? "(missing)")}: this action reads lock-version ${SUPPORTED_POETRY.join(", ")} (Poetry 1.0 to 2.x)`,
      {
        where: { file: ctx.file, line: lineOf(text, /^lock-version\s*=/m) },
        hint: "relock with Poetry 1.x or 2.x (`poetry lock`)"
      }
    );
  }
  checkRequiresPython(text, metadata, "python-versions", ctx, "poetry.lock");
  return lockVersion;
}
function readPackages(text, doc, metadata, ctx) {
  const lines = new PackageLines(text, "[[package]]");
  const legacyFiles = asTable(metadata.files) ?? {};
  const legacyByName = new Map(Object.entries(legacyFiles).map(([k, v]) => [normalizeName(k), v]));
  const tables = asArray(doc.package);
  const packages = tables.map((raw, id) => readPackage(raw, id, tables.length, lines, legacyByName, ctx));
  refuseDuplicateTables(
    packages,
    (p) => `${p.name} ${p.version} ${asString(p.source?.type) ?? ""} ${asString(p.source?.url) ?? ""}`,
    (p) => `${p.name} ${p.version}`,
    { file: ctx.file, lockName: "poetry.lock", hint: RELOCK2 }
  );
  return packages;
}
function pinSelected(sel) {
  const { ctx } = sel;
  const pins = { requirements: [], firstParty: [], findLinks: /* @__PURE__ */ new Set(), fromPypi: false };
  const chosen = /* @__PURE__ */ new Map();
  for (const p of sel.packages) {
    const extras = sel.extras.get(p.id);
    if (!extras) continue;
    sel.collect(() => {
      const twin = chosen.get(p.name);
      if (twin) {
        throw new UserError(
          `${p.table}: poetry.lock selects two versions of ${p.name} (${twin.version} and ${p.version}) for this target`,
          { where: { file: ctx.file, line: p.line, distribution: p.name }, hint: RELOCK2 }
        );
      }
      chosen.set(p.name, p);
      pinPackage(p, extras, ctx, pins);
    });
  }
  throwAll(sel.errors);
  const indexes = indexesFor(pins.requirements, pins.fromPypi);
  append(indexes.findLinks, pins.findLinks);
  return {
    format: "poetry",
    lockfile: ctx.file,
    requirements: pins.requirements.sort((a, b) => a.name.localeCompare(b.name)),
    indexes,
    complete: true,
    firstParty: pins.firstParty.sort((a, b) => a.path.localeCompare(b.path))
  };
}
function pinPackage(p, extras, ctx, pins) {
  const where = { file: ctx.file, line: p.line, distribution: p.name };
  const type = asString(p.source?.type);
  const url = asString(p.source?.url) ?? "";
  const entry = {
    table: p.table,
    name: p.name,
    version: p.version,
    extras: [...extras],
    where: { file: ctx.file, line: p.line },
    relock: RELOCK2
  };
  const archives = p.files.filter((f) => !f.file.endsWith(".whl"));
  const source = { subdirectory: p.source?.subdirectory };
  if (type === "git") {
    const git = { url, commit: p.source?.resolved_reference, requested: p.source?.reference, ...source };
    pins.requirements.push(gitPin(entry, ctx, git));
    return;
  }
  if (type === "url") {
    pins.requirements.push(
      archivePin(
        entry,
        ctx,
        { url, ...source },
        archives.map((f) => f.hash)
      )
    );
    return;
  }
  if (type === "directory") {
    pins.firstParty.push({ name: p.name, path: firstPartyPath(ctx, url, p.table, p.name, where) });
    return;
  }
  if (type === "file" && !url.endsWith(".whl") && buildsFromSource(ctx)) {
    pins.requirements.push(
      archivePin(
        entry,
        ctx,
        { path: url, ...source },
        p.files.map((f) => f.hash)
      )
    );
    return;
  }
  if (type === "file") pins.findLinks.add(localWheelDir(ctx, url, p.table, p.name, where));
  else if (type !== void 0 && type !== "legacy") {
    throw new UserError(`${p.table}: unknown [package.source] type "${type}"`, {
      where,
      hint: "supported: legacy (an index), file and directory inside the project, git, url"
    });
  }
  const filenames = p.files.map((f) => f.file);
  const building = type !== "file" && sdistOnly(filenames, false) && buildsFromSource(ctx);
  const fit = building ? void 0 : checkWheels({
    name: p.name,
    version: p.version,
    filenames,
    hasSdist: false,
    target: ctx.target,
    where,
    table: p.table
  });
  if (fit) throw fit;
  const req = building ? sdistPin(
    entry,
    archives.map((f) => f.hash)
  ) : {
    name: p.name,
    version: p.version,
    extras: [...extras].sort(),
    hashes: [...new Set(p.files.filter((f) => f.file.endsWith(".whl") || type === "file").map((f) => f.hash))],
    where: { file: ctx.file, line: p.line, table: p.table }
  };
  if (type === "legacy") req.index = checkIndexUrl(url, { ...where, hint: RELOCK2 });
  else if (type === void 0) pins.fromPypi = true;
  pins.requirements.push(req);
}
function readPackage(raw, id, count, lines, legacyFiles, ctx) {
  const t = asTable(raw) ?? {};
  const rawName = asString(t.name);
  const rawVersion = asString(t.version);
  if (!rawName || !rawVersion)
    throw new UserError("a [[package]] table has no name or version", { where: { file: ctx.file }, hint: RELOCK2 });
  const line = lines.at(id, count, rawName, rawVersion);
  checkName(rawName, { file: ctx.file, line, hint: RELOCK2 });
  const name = normalizeName(rawName);
  const at = { file: ctx.file, line, distribution: name, hint: RELOCK2 };
  const version = checkVersion(rawVersion, at);
  const files = asArray(t.files ?? legacyFiles.get(name)).map(asTable).filter((f) => !!f && typeof f.file === "string" && typeof f.hash === "string").map((f) => ({ file: f.file, hash: checkHash(f.hash, at) }));
  const extras = new Map(
    Object.entries(asTable(t.extras) ?? {}).map(([extra, reqs]) => [
      normalizeName(extra),
      asArray(reqs).map((r) => requirementOf(r, at).name)
    ])
  );
  return {
    id,
    name,
    version,
    optional: t.optional === true,
    pythonVersions: asString(t["python-versions"]),
    groups: Array.isArray(t.groups) ? t.groups.map(String) : asString(t.category) ? [String(t.category)] : void 0,
    markers: typeof t.markers === "string" ? t.markers : asTable(t.markers),
    files,
    dependencies: Object.entries(asTable(t.dependencies) ?? {}).flatMap(([dep, spec]) => poetryEdges(dep, spec, at)),
    extras,
    source: asTable(t.source),
    table: `[[package]] name = "${rawName}"`,
    line
  };
}
function poetryEdges(dep, spec, at) {
  const name = normalizeName(checkName(dep, at));
  if (typeof spec === "string") return [{ name, constraint: spec, optional: false, extras: [] }];
  if (Array.isArray(spec)) return spec.flatMap((s) => poetryEdges(dep, s, at));
  const t = asTable(spec);
  if (!t) return [];
  return [
    {
      name,
      constraint: asString(t.version),
      marker: asString(t.markers),
      python: asString(t.python),
      platform: asString(t.platform),
      optional: t.optional === true,
      extras: asArray(t.extras).map((e) => normalizeName(checkExtra(e, { ...at, distribution: name })))
    }
  ];
}
function rootEdges(doc, pyprojectFile, ctx) {
  const project = asTable(doc.project);
  const poetry = asTable(asTable(doc.tool)?.poetry) ?? {};
  const requested = new Set(ctx.extras.map(normalizeName));
  const edges = [];
  const at = { file: pyprojectFile };
  const fromPep508 = (r) => {
    const parsed = requirementOf(r, at);
    return {
      name: parsed.name,
      constraint: parsed.specifier || void 0,
      marker: parsed.marker,
      optional: false,
      extras: parsed.extras
    };
  };
  const fromPoetryTable = (table) => Object.entries(asTable(table) ?? {}).filter(([n]) => n.toLowerCase() !== "python").flatMap(([n, spec]) => poetryEdges(n, spec, at));
  append(edges, asArray(project?.dependencies).map(fromPep508));
  const optionalDeps = asTable(project?.["optional-dependencies"]) ?? {};
  const extraPackages = [];
  for (const [extra, reqs] of Object.entries(optionalDeps)) {
    if (!requested.has(normalizeName(extra))) continue;
    const e = asArray(reqs).map(fromPep508);
    append(edges, e);
    append(
      extraPackages,
      e.map((x) => x.name)
    );
  }
  const poetryExtras = asTable(poetry.extras) ?? {};
  const extraNames = new Set(
    Object.entries(poetryExtras).filter(([extra]) => requested.has(normalizeName(extra))).flatMap(([, names2]) => asArray(names2).map((n) => normalizeName(String(n))))
  );
  append(extraPackages, extraNames);
  for (const edge of fromPoetryTable(poetry.dependencies)) {
    if (!edge.optional || extraNames.has(edge.name)) edges.push({ ...edge, optional: false });
  }
  const groupTables = /* @__PURE__ */ new Map();
  const addGroupTable = (g, table) => {
    if (table !== void 0) groupTables.set(g, [...groupTables.get(g) ?? [], table]);
  };
  for (const [g, t] of Object.entries(asTable(poetry.group) ?? {}))
    addGroupTable(normalizeName(g), asTable(t)?.dependencies ?? {});
  addGroupTable("dev", poetry["dev-dependencies"]);
  const pep735 = asTable(doc["dependency-groups"]) ?? {};
  const groupNames = /* @__PURE__ */ new Set([...groupTables.keys(), ...Object.keys(pep735).map(normalizeName)]);
  const pep735Edges = (g, depth = 0) => {
    const entry = Object.entries(pep735).find(([k]) => normalizeName(k) === g)?.[1];
    return asArray(entry).flatMap((item) => {
      const include = asString(asTable(item)?.["include-group"]);
      if (include) return depth < 10 ? pep735Edges(normalizeName(include), depth + 1) : [];
      return [fromPep508(item)];
    });
  };
  for (const g of ctx.groups.map(normalizeName)) {
    append(edges, (groupTables.get(g) ?? []).flatMap(fromPoetryTable));
    append(edges, pep735Edges(g));
  }
  return { file: pyprojectFile, edges, groupNames, extraPackages };
}

// src/lock/pylock.ts
import path12 from "node:path";
import { pathToFileURL as pathToFileURL2 } from "node:url";
var SUPPORTED_PYLOCK = "1.x (PEP 751)";
var RELOCK3 = "regenerate pylock.toml with the tool that wrote it (`pip lock`, `uv export --format pylock.toml`)";
function readPylock(text, ctx) {
  const doc = parsePylock(text, ctx);
  const lines = new PackageLines(text, "[[packages]]");
  const env = targetEnvironment(ctx.target);
  checkHeader3(doc, text, ctx, env);
  const errors = [];
  const groups = selectGroups(doc, ctx, errors);
  const entries = new PylockEntries(ctx, env, groups, errors);
  const tables = asArray(doc.packages);
  for (const [i, raw] of tables.entries())
    entries.read(raw, (name, version) => lines.at(i, tables.length, name, version));
  throwAll(errors);
  return entries.lockedSet();
}
function parsePylock(text, ctx) {
  try {
    return parseLockToml(text, ctx.file);
  } catch (e) {
    if (!(e instanceof UserError) || !looksLikeRequirements(text)) throw e;
    const name = path12.basename(ctx.file);
    throw new UserError(
      `${name} is a requirements file (name==version lines), not a PEP 751 lock: older \`uv export -o ${name}\` wrote this format, which is not TOML`,
      {
        where: { file: ctx.file },
        hint: `rename it to requirements.txt (or give it another name and set \`lockfile\` to it), or export a real lock with \`uv export --format pylock.toml -o ${name}\``,
        cause: e
      }
    );
  }
}
function looksLikeRequirements(text) {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
  const requirement = /^(?:[A-Za-z0-9][A-Za-z0-9._-]*(?:\[[^\]]*\])?\s*(?:===?|@|;|\\$|$)|--?[a-z]|\\$)/;
  return lines.length > 0 && lines.some((l) => /==|--hash/.test(l)) && lines.every((l) => requirement.test(l));
}
function checkHeader3(doc, text, ctx, env) {
  const lockVersion = asString(doc["lock-version"]);
  if (!lockVersion || !/^1(\.\d+)*$/.test(lockVersion)) {
    throw new UserError(
      `unsupported ${path12.basename(ctx.file)} lock-version ${quoted(String(doc["lock-version"] ?? "(missing)"))}: this action reads lock-version ${SUPPORTED_PYLOCK}`,
      {
        where: { file: ctx.file, line: lineOf(text, /^lock-version\s*=/m) },
        hint: "write the lock with a tool that follows PEP 751 (`pip lock`, `uv export --format pylock.toml`)"
      }
    );
  }
  checkRequiresPython(text, doc, "requires-python", ctx, path12.basename(ctx.file));
  const environments = strings(doc.environments);
  if (environments.length > 0) {
    const where = { file: ctx.file, line: lineOf(text, /^environments\s*=/m) };
    if (!environments.some((m) => markerTrue(m, env, [], [], where))) {
      throw new UserError(
        `${path12.basename(ctx.file)} was locked for the environments ${environments.map((e) => quoted(e, 200)).join(", ")}, and none of them is ${describeTarget(ctx.target)}`,
        {
          where,
          hint: "lock for the Lambda target too (add its environment to the locker's environments)"
        }
      );
    }
  }
}
function selectGroups(doc, ctx, errors) {
  const lockExtras = strings(doc.extras);
  const lockGroups = strings(doc["dependency-groups"]);
  const defaultGroups = strings(doc["default-groups"]);
  for (const extra of ctx.extras) {
    if (!lockExtras.some((e) => normalizeName(e) === normalizeName(extra))) {
      errors.push(
        new UserError(`extra "${extra}" is not in the lock's extras (${listOrNone(lockExtras)})`, {
          where: { file: ctx.file },
          hint: "remove it from `extras`, or lock with it"
        })
      );
    }
  }
  for (const group of ctx.groups) {
    if (![...lockGroups, ...defaultGroups].some((g) => normalizeName(g) === normalizeName(group))) {
      errors.push(
        new UserError(
          `dependency group "${group}" is not in the lock's dependency-groups (${listOrNone([...lockGroups, ...defaultGroups])})`,
          { where: { file: ctx.file }, hint: "remove it from `groups`, or lock with it" }
        )
      );
    }
  }
  return [...defaultGroups, ...ctx.groups];
}
function strings(value) {
  return asArray(value).map(asString).filter((s) => !!s);
}
var PylockEntries = class {
  constructor(ctx, env, groups, errors) {
    this.ctx = ctx;
    this.env = env;
    this.groups = groups;
    this.errors = errors;
  }
  ctx;
  env;
  groups;
  errors;
  requirements = [];
  firstParty = [];
  findLinks = [];
  chosen = /* @__PURE__ */ new Map();
  read(raw, lineOfEntry) {
    const pkg = asTable(raw);
    const rawName = asString(pkg?.name);
    if (!pkg || !rawName) {
      this.errors.push(new UserError("a [[packages]] table has no name", { where: { file: this.ctx.file } }));
      return;
    }
    const origin2 = entryOrigin(
      {
        rawName,
        table: `[[packages]] name = "${rawName}"`,
        file: this.ctx.file,
        line: lineOfEntry(rawName, asString(pkg.version)),
        hint: RELOCK3
      },
      this.errors
    );
    if (!origin2) return;
    collectError(this.errors, () => {
      const version = pkg.version === void 0 ? void 0 : checkVersion(pkg.version, origin2.at);
      const entry = { ...origin2, version };
      if (this.applies(pkg, entry)) this.place(pkg, entry);
    });
  }
  lockedSet() {
    const indexes = indexesFor(this.requirements);
    append(indexes.findLinks, new Set(this.findLinks));
    return {
      format: "pylock",
      lockfile: this.ctx.file,
      requirements: this.requirements.sort((a, b) => a.name.localeCompare(b.name)),
      indexes,
      complete: true,
      firstParty: this.firstParty
    };
  }
  /** Whether the entry's marker holds for the target; a second applying entry or a Python the runtime lacks is an error. */
  applies(pkg, { name, version, table, where }) {
    const marker = asString(pkg.marker);
    if (marker && !markerTrue(marker, this.env, this.ctx.extras, this.groups, where)) return false;
    const previous = this.chosen.get(name);
    if (previous !== void 0) {
      throw new UserError(
        `${table}: two entries of ${name} (${previous.version || "no version"} at line ${previous.line ?? "?"} and ${version ?? "no version"} at line ${where.line ?? "?"}) apply to ${describeTarget(this.ctx.target)}`,
        {
          where,
          hint: "PEP 751 allows one entry per package and environment: regenerate the lock"
        }
      );
    }
    this.chosen.set(name, { version: version ?? "", line: where.line });
    const pkgPython = asString(pkg["requires-python"]);
    if (pkgPython && matchesSpecifier(`${this.ctx.target.pythonVersion}.0`, pkgPython) === false) {
      throw new UserError(
        `${table}: ${name} ${version ?? ""} requires Python ${pkgPython}, the runtime ${this.ctx.target.runtime} is Python ${this.ctx.target.pythonVersion}`,
        {
          where,
          hint: "lock for the Lambda runtime's Python version"
        }
      );
    }
    return true;
  }
  /** The source decision: git and archives are built, a directory is first-party, a local wheel or the wheels are pinned. */
  place(pkg, entry) {
    const { name, version, table, where, at } = entry;
    const source = this.sourceEntry(entry);
    const vcs = asTable(pkg.vcs);
    if (vcs) {
      const kind = asString(vcs.type) ?? "vcs";
      if (kind !== "git")
        throw vcsError(table, name, `${kind} ${asString(vcs.url) ?? asString(vcs.path) ?? ""}`.trim(), where);
      const url = vcs.url ?? (typeof vcs.path === "string" ? this.localRepository(vcs.path, entry) : void 0);
      const git = {
        url,
        commit: vcs["commit-id"],
        requested: vcs["requested-revision"],
        subdirectory: vcs.subdirectory
      };
      this.requirements.push(gitPin(source, this.ctx, git));
      return;
    }
    const directory = asTable(pkg.directory);
    if (directory) {
      this.firstParty.push({
        name,
        path: firstPartyPath(this.ctx, asString(directory.path) ?? ".", table, name, where)
      });
      return;
    }
    const archive = asTable(pkg.archive);
    if (archive) {
      const archiveUrl = asString(archive.url);
      const archivePath = asString(archive.path);
      const hashes = hashesOf(archive.hashes, at);
      if (archiveUrl !== void 0 || archivePath !== void 0 && !archivePath.endsWith(".whl")) {
        const located = { url: archiveUrl, path: archivePath, subdirectory: archive.subdirectory };
        this.requirements.push(archivePin(source, this.ctx, located, hashes));
        return;
      }
      this.findLinks.push(localWheelDir(this.ctx, archivePath ?? "", table, name, where));
      this.requirements.push(pin(name, version, hashes, where, table, void 0));
      return;
    }
    this.placeWheels(pkg, entry);
  }
  sourceEntry({ name, version, table, where }) {
    return { table, name, version: version ?? "", where: { file: this.ctx.file, line: where.line }, relock: RELOCK3 };
  }
  /** A `vcs.path` repository: a folder inside the project, cloned over file://. */
  localRepository(recorded, { name, table, where }) {
    const inside = projectPath(this.ctx, checkPath(recorded, { ...where, hint: RELOCK3 }));
    if (!inside) {
      throw new UserError(`${table}: ${name} comes from the repository ${shown(recorded)}, outside the project`, {
        where,
        hint: "use the repository's URL in the lock, or keep it inside `working-directory`"
      });
    }
    return pathToFileURL2(inside.abs).href;
  }
  /** Wheels (and an sdist) from an index or local paths: one must fit the target. */
  placeWheels(pkg, entry) {
    const { name, version, table, where, at } = entry;
    const wheels = asArray(pkg.wheels).map(asTable).filter((w) => !!w);
    const sdist = asTable(pkg.sdist);
    const filenames = wheels.map((w) => asString(w.name) ?? basename(asString(w.url) ?? asString(w.path) ?? ""));
    if (sdist && sdistOnly(filenames, true) && buildsFromSource(this.ctx)) {
      this.placeSdist(pkg, sdist, entry);
      return;
    }
    const fit = checkWheels({
      name,
      version: version ?? "",
      filenames,
      hasSdist: !!sdist,
      target: this.ctx.target,
      where,
      table
    });
    if (fit) throw fit;
    const wheelPaths = wheels.map((w) => asString(w.path)).filter((p) => !!p);
    for (const p of wheelPaths) this.findLinks.push(localWheelDir(this.ctx, p, table, name, where));
    this.requirements.push(
      pin(
        name,
        version,
        wheels.flatMap((w) => hashesOf(w.hashes, at)),
        where,
        table,
        pkg.index === void 0 ? void 0 : checkIndexUrl(pkg.index, at)
      )
    );
  }
  /** A release with only its sdist: from the index (by name and version) or a file inside the project. */
  placeSdist(pkg, sdist, entry) {
    const source = this.sourceEntry(entry);
    const hashes = hashesOf(sdist.hashes, entry.at);
    const sdistPath = asString(sdist.path);
    if (sdistPath !== void 0) {
      this.requirements.push(archivePin(source, this.ctx, { path: sdistPath }, hashes));
      return;
    }
    if (!entry.version) throw pinWithoutVersion(entry.name, entry.table, entry.where);
    const req = sdistPin(source, hashes);
    if (pkg.index !== void 0) req.index = checkIndexUrl(pkg.index, entry.at);
    this.requirements.push(req);
  }
};
function pin(name, version, hashes, where, table, index) {
  if (!version) throw pinWithoutVersion(name, table, where);
  const req = {
    name,
    version,
    extras: [],
    hashes: [...new Set(hashes)],
    where: { file: where.file ?? "", line: where.line, table }
  };
  if (index) req.index = index;
  return req;
}
function pinWithoutVersion(name, table, where) {
  return new UserError(`${table}: ${name} has no version`, {
    where: { ...where, distribution: name },
    hint: "an installable entry needs `version`: regenerate the lock"
  });
}
function hashesOf(value, at) {
  const table = asTable(value);
  if (!table) return [];
  return Object.entries(table).map(
    ([algorithm, hex]) => checkHash(`${algorithm.toLowerCase()}:${typeof hex === "string" ? hex : JSON.stringify(hex)}`, at)
  );
}

// src/lock/requirements.ts
import path13 from "node:path";
var FIX_HINT = "fix the line: a requirements file holds one requirement or option per line, each as pip writes it";
var PIN_HINT = "pin every requirement exactly (name==version), e.g. with `pip-compile`, `uv pip compile` or `uv export`";
function logicalLines(text, file) {
  const lines = [];
  const physical = text.split(/\r?\n/);
  let buffer = "";
  let start = 0;
  physical.forEach((raw, i) => {
    const uncommented = raw.replace(/(^|\s)#.*$/, "");
    if (buffer === "") start = i + 1;
    if (/\\$/.test(uncommented)) {
      buffer += `${uncommented.slice(0, -1)} `;
      return;
    }
    buffer += uncommented;
    if (buffer.trim()) lines.push({ file, line: start, text: buffer.trim() });
    buffer = "";
  });
  if (buffer.trim()) lines.push({ file, line: start, text: buffer.trim() });
  return lines;
}
function takeOption(text) {
  const m = /^(--?[A-Za-z][\w-]*)(?:[= ]\s*("[^"]*"|'[^']*'|\S+))?\s*(.*)$/.exec(text);
  if (!m?.[1]) return void 0;
  return [m[1], m[2]?.replace(/^["']|["']$/g, ""), m[3] ?? ""];
}
var FLAG_OPTIONS = /* @__PURE__ */ new Set(["--no-index", "--require-hashes", "--pre", "--prefer-binary"]);
var VALUE_OPTIONS = /* @__PURE__ */ new Set([
  "-r",
  "--requirement",
  "-c",
  "--constraint",
  "-i",
  "--index-url",
  "--extra-index-url",
  "-f",
  "--find-links",
  "--trusted-host",
  "--only-binary",
  "--no-binary",
  "-e",
  "--editable",
  "--use-feature"
]);
function readRequirements(text, ctx) {
  const indexes = emptyIndexOptions();
  const requirements = [];
  const errors = [];
  const env = targetEnvironment(ctx.target);
  const seenFiles = /* @__PURE__ */ new Set();
  const visit = (fileText, fileRel, fileAbs) => {
    seenFiles.add(fileAbs);
    for (const l of logicalLines(fileText, fileRel)) {
      const where = { file: l.file, line: l.line };
      collectError(errors, () => {
        if (l.text.startsWith("-")) {
          handleOption(
            l,
            fileAbs,
            indexes,
            (includeRel, includeAbs) => {
              if (seenFiles.has(includeAbs)) return;
              const included = readLockText(
                includeAbs,
                includeRel,
                where,
                [ctx.workingDirectory, path13.dirname(ctx.path)],
                "included requirements file",
                "fix the path after -r: it is relative to the file that includes it"
              );
              visit(included, includeRel, includeAbs);
            },
            ctx
          );
          return;
        }
        const req = parseRequirementLine(l, env, ctx);
        if (req) requirements.push(req);
      });
    }
  };
  visit(text, ctx.file, ctx.path);
  const hashed = requirements.filter((r) => r.hashes.length > 0);
  if (hashed.length > 0) {
    for (const r of requirements) {
      if (r.hashes.length === 0 && r.build?.kind !== "git") {
        errors.push(
          new UserError(`${r.name}==${r.version} has no --hash while other requirements do`, {
            where: { ...r.where, distribution: r.name },
            hint: "regenerate the file with hashes for every package (`pip-compile --generate-hashes`, `uv pip compile --generate-hashes`)"
          })
        );
      }
    }
  }
  const byName = /* @__PURE__ */ new Map();
  for (const r of requirements) {
    const previous = byName.get(r.name);
    if (previous && previous.version !== r.version) {
      errors.push(
        new UserError(
          `${r.name} is pinned twice for ${ctx.target.runtime}/${ctx.target.architecture}: ==${previous.version} (line ${previous.where.line}) and ==${r.version}`,
          {
            where: { ...r.where, distribution: r.name },
            hint: "keep one pin, or guard each with a marker that does not overlap"
          }
        )
      );
    } else if (previous) {
      previous.extras = [.../* @__PURE__ */ new Set([...previous.extras, ...r.extras])];
      previous.hashes = [.../* @__PURE__ */ new Set([...previous.hashes, ...r.hashes])];
    } else {
      byName.set(r.name, r);
    }
  }
  throwAll(errors);
  return {
    format: "requirements",
    lockfile: ctx.file,
    requirements: [...byName.values()].sort((a, b) => a.name.localeCompare(b.name)),
    indexes,
    complete: false,
    firstParty: []
  };
}
function handleOption(l, fileAbs, indexes, include, ctx) {
  const where = { file: l.file, line: l.line };
  const at = { ...where, hint: FIX_HINT };
  const taken = takeOption(l.text);
  if (!taken) throw new UserError(`cannot read option "${shown(l.text, 200)}"`, { where });
  const [name, value] = taken;
  if (!FLAG_OPTIONS.has(name) && !VALUE_OPTIONS.has(name)) {
    throw new UserError(`unsupported option ${shown(name)} in a requirements file`, {
      where,
      hint: "remove it; supported: -r, --index-url, --extra-index-url, --find-links, --trusted-host, --no-index, --require-hashes, --pre, --prefer-binary, --only-binary"
    });
  }
  if (VALUE_OPTIONS.has(name) && !value)
    throw new UserError(`${name} needs a value`, { where, hint: `write it as \`${name} VALUE\`, or remove the line` });
  switch (name) {
    case "-r":
    case "--requirement": {
      const abs2 = path13.resolve(path13.dirname(fileAbs), checkPath(value, at));
      include(shown(path13.relative(ctx.workingDirectory, abs2) || value, 200), abs2);
      return;
    }
    case "-c":
    case "--constraint":
      throw new UserError("constraints files (-c) are not supported: a lockfile must pin every package itself", {
        where,
        hint: "merge the constraints into exact pins in this file"
      });
    case "-i":
    case "--index-url":
      indexes.indexUrl = checkIndexUrl(value, at);
      return;
    case "--extra-index-url":
      indexes.extraIndexUrls.push(checkIndexUrl(value, at));
      return;
    case "-f":
    case "--find-links":
      indexes.findLinks.push(
        /^[a-z][a-z0-9+.-]*:/i.test(value) ? checkIndexUrl(value, at) : path13.resolve(path13.dirname(fileAbs), checkPath(value, at))
      );
      return;
    case "--trusted-host":
      indexes.trustedHosts.push(checkHost(value, at));
      return;
    case "--no-index":
      indexes.noIndex = true;
      return;
    case "--no-binary":
      throw new UserError(
        `--no-binary ${shown(value)} asks for a source build, but Lambda packages are built from wheels only`,
        {
          where,
          hint: "remove --no-binary; build a manylinux wheel for that package and serve it from an index if there is none"
        }
      );
    case "-e":
    case "--editable":
      throw new UserError(
        `editable requirement "${shown(value, 200)}" cannot be packaged: Lambda does not process .pth files`,
        {
          where,
          hint: "put first-party code in `source`, or pin the package from an index"
        }
      );
    default:
      return;
  }
}
function parseRequirementLine(l, env, ctx) {
  const where = { file: l.file, line: l.line };
  const hashHint = "regenerate the file with hashes (`pip-compile --generate-hashes`, `uv pip compile --generate-hashes`)";
  const hashes = [];
  let body = l.text.replace(/\s--hash[= ]\s*(\S+)/g, (_m, h) => {
    hashes.push(h);
    return "";
  });
  const checkedHashes = hashes.map((h) => checkHash(h, { ...where, hint: hashHint }));
  body = body.trim();
  const line = shown(body, 200);
  const parsed = parsePep508(body);
  const wheelUrl = /\.whl$/i.test(parsed?.url?.split("#")[0] ?? "");
  if (parsed?.url !== void 0 && !wheelUrl && buildsFromSource(ctx) && /^[A-Za-z0-9]/.test(body)) {
    return directReference(l, body, parsed, checkedHashes, env, ctx);
  }
  if (/^(git|hg|svn|bzr)\+/.test(body) || /\s@\s*(git|hg|svn|bzr)\+/.test(body)) {
    throw new UserError(`VCS requirement "${line}" cannot be installed for a Lambda target`, {
      where,
      hint: buildsFromSource(ctx) ? "name it and pin its commit, `name @ git+URL@<full commit>`, to have it built; or publish a wheel of it to an index and pin it by version" : "set `build-from-source: pure` and write it as `name @ git+URL@<full commit>` to have it built, or publish a wheel of it to an index and pin it by version"
    });
  }
  const directHint = "serve the wheel from an index or --find-links folder and pin it as name==version";
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(body) || /^(\.{1,2}\/|\/)/.test(body) || /\.(whl|tar\.gz|zip)$/.test(body)) {
    const named = parsed?.url !== void 0 ? parsed.name : void 0;
    throw new UserError(`direct reference "${line}" is not a pinned requirement`, {
      where: named ? { ...where, distribution: named } : where,
      hint: directHint
    });
  }
  if (!parsed) throw new UserError(`cannot read requirement "${line}"`, { where, hint: PIN_HINT });
  const at = { ...where, distribution: parsed.name, hint: FIX_HINT };
  const rawName = body.trimStart().split(/[^A-Za-z0-9._-]/, 1)[0] ?? "";
  checkName(rawName, at);
  const name = parsed.name;
  const extras = parsed.extras.map((e) => checkExtra(e, at));
  if (parsed.url !== void 0) {
    throw new UserError(`direct reference "${line}" is not a pinned requirement`, {
      where: { ...where, distribution: name },
      hint: directHint
    });
  }
  if (!markerHolds(parsed.marker, env, where, name)) return void 0;
  const rest = parsed.specifier;
  const pin2 = /^(===?)\s*([^\s,]+)$/.exec(rest);
  if (!pin2?.[2] || pin2[2].includes("*")) {
    throw new UserError(`${rawName} is not pinned to one version (${shown(rest, 200) || "no version"})`, {
      where: { ...where, distribution: name },
      hint: PIN_HINT
    });
  }
  const version = checkVersion(pin2[2], at);
  return { name, version, extras, hashes: checkedHashes, where: { file: l.file, line: l.line } };
}
function markerHolds(marker, env, where, name) {
  if (!marker) return true;
  try {
    return evaluateMarker(marker, env);
  } catch (e) {
    if (e instanceof MarkerSyntaxError)
      throw new UserError(`invalid marker: ${e.message}`, {
        where: { ...where, distribution: name },
        hint: 'write the marker as PEP 508 does (e.g. `; python_version < "3.11"`), or regenerate the file'
      });
    throw e;
  }
}
function directReference(l, body, parsed, hashes, env, ctx) {
  const where = { file: l.file, line: l.line };
  const at = { ...where, distribution: parsed.name, hint: FIX_HINT };
  checkName(body.trimStart().split(/[^A-Za-z0-9._-]/, 1)[0] ?? "", at);
  const extras = parsed.extras.map((e) => checkExtra(e, at));
  if (!markerHolds(parsed.marker, env, where, parsed.name)) return void 0;
  const entry = {
    table: `"${shown(body, 200)}"`,
    name: parsed.name,
    version: "",
    extras,
    where,
    relock: FIX_HINT
  };
  const url = parsed.url ?? "";
  const hash = url.indexOf("#");
  const fragment = new URLSearchParams(hash >= 0 ? url.slice(hash + 1) : "");
  const subdirectory = fragment.get("subdirectory") ?? void 0;
  const location = hash >= 0 ? url.slice(0, hash) : url;
  if (/^git\+/i.test(location)) {
    const lastSlash = location.lastIndexOf("/");
    const at2 = location.indexOf("@", lastSlash);
    const repository = at2 >= 0 ? location.slice(0, at2) : location;
    const commit = at2 >= 0 ? location.slice(at2 + 1) : void 0;
    return gitPin(entry, ctx, { url: repository, commit, subdirectory });
  }
  if (/^(hg|svn|bzr)\+/i.test(location)) throw vcsError(entry.table, parsed.name, shown(location, 200), where);
  return archivePin(entry, ctx, { url: location, subdirectory }, hashes);
}

// src/lock/uv-select.ts
import path14 from "node:path";
var FIRST_PARTY = /* @__PURE__ */ new Set(["editable", "virtual", "workspace", "directory"]);
var RELOCK4 = "run `uv lock` to regenerate uv.lock; uv never writes this value";
function sourceKey(source) {
  const [kind, value] = Object.entries(source ?? {})[0] ?? ["", ""];
  return `${kind}=${String(value)}`;
}
function findRoots(packages, doc, ctx) {
  const firstParty = packages.filter((p) => FIRST_PARTY.has(p.sourceKind));
  const lockDir = path14.dirname(ctx.path);
  const here = firstParty.filter(
    (p) => path14.resolve(lockDir, p.sourceValue || ".") === path14.resolve(ctx.workingDirectory)
  );
  if (here.length > 0) return here;
  const members = asArray(asTable(doc.manifest)?.members).map(asString).filter((m) => !!m).map(normalizeName);
  const memberPackages = firstParty.filter((p) => members.includes(p.name));
  if (memberPackages.length > 0) return memberPackages;
  if (firstParty.length > 0) return firstParty;
  throw new UserError("uv.lock has no package for the project itself (no editable, virtual or workspace source)", {
    where: { file: ctx.file },
    hint: "run `uv lock` in the project's folder; a lock made by `uv pip compile` is a requirements file or a pylock.toml instead"
  });
}
function checkRequested(roots, ctx, errors) {
  const where = { file: ctx.file, line: roots[0]?.line };
  const extras = new Set(
    roots.flatMap((r) => [
      ...r.optional.keys(),
      ...asArray(r.metadata?.["provides-extras"]).map((e) => normalizeName(String(e)))
    ])
  );
  const groups = new Set(
    roots.flatMap((r) => [
      ...r.groups.keys(),
      ...Object.keys(asTable(r.metadata?.["requires-dev"]) ?? {}).map(normalizeName)
    ])
  );
  for (const e of ctx.extras) {
    if (!extras.has(normalizeName(e))) {
      errors.push(
        new UserError(
          `extra "${e}" is not defined by ${roots.map((r) => r.name).join(", ")} in uv.lock (extras: ${listOrNone([...extras])})`,
          { where, hint: "remove it from `extras`, or add it to the project and run `uv lock`" }
        )
      );
    }
  }
  for (const g of ctx.groups) {
    if (!groups.has(normalizeName(g))) {
      errors.push(
        new UserError(
          `dependency group "${g}" is not defined by ${roots.map((r) => r.name).join(", ")} in uv.lock (groups: ${listOrNone([...groups])})`,
          { where, hint: "remove it from `groups`, or add it to the project and run `uv lock`" }
        )
      );
    }
  }
}
function selectReachable(packages, roots, hasConflicts, ctx, errors) {
  const byName = /* @__PURE__ */ new Map();
  for (const p of packages) byName.set(p.name, [...byName.get(p.name) ?? [], p]);
  const activated = new Set(
    roots.flatMap((r) => [
      ...ctx.extras.map((e) => conflictExtra(r.name, e)),
      ...ctx.groups.map((g) => `group-${r.name.length}-${r.name}-${normalizeName(g)}`)
    ])
  );
  const graph = { ctx, roots, byName, env: targetEnvironment(ctx.target), activated, errors };
  if (hasConflicts) new Walk(graph, true).run();
  return new Walk(graph, false).run();
}
var Walk = class {
  constructor(graph, learn) {
    this.graph = graph;
    this.learn = learn;
  }
  graph;
  learn;
  visited = /* @__PURE__ */ new Set();
  activeExtras = /* @__PURE__ */ new Map();
  queue = [];
  run() {
    const { roots, ctx } = this.graph;
    for (const root of roots) {
      this.enqueue(root);
      for (const e of ctx.extras) if (root.optional.has(normalizeName(e))) this.enqueue(root, normalizeName(e));
    }
    while (this.queue.length > 0) {
      const { pkg, extra } = this.queue.shift();
      try {
        if (extra === void 0) {
          this.follow(pkg, pkg.dependencies);
          if (roots.includes(pkg)) for (const g of ctx.groups) this.follow(pkg, pkg.groups.get(normalizeName(g)) ?? []);
        } else {
          this.follow(pkg, pkg.optional.get(normalizeName(extra)) ?? []);
        }
      } catch (e) {
        if (!(e instanceof UserError)) throw e;
        if (!this.learn) this.graph.errors.push(e);
      }
    }
    return { visited: this.visited, activeExtras: this.activeExtras };
  }
  enqueue(pkg, extra) {
    const key = extra === void 0 ? `${pkg.id}` : `${pkg.id}[${extra}]`;
    if (this.visited.has(key)) return;
    this.visited.add(key);
    if (extra !== void 0) this.activeExtras.set(pkg.id, /* @__PURE__ */ new Set([...this.activeExtras.get(pkg.id) ?? [], extra]));
    this.queue.push({ pkg, extra });
  }
  follow(from, edges) {
    const { ctx, env, activated } = this.graph;
    for (const edge of edges) {
      const where = { file: ctx.file, line: from.line, distribution: from.name };
      const own = this.learn ? edge.extras.map((e) => conflictExtra(edge.name, e)).filter((k) => !activated.has(k)) : [];
      if (edge.marker && !markerTrue(edge.marker, env, [...activated, ...own], [], where)) continue;
      for (const k of own) activated.add(k);
      const target = resolveEdge(edge, from, this.graph);
      this.enqueue(target);
      for (const e of edge.extras) this.enqueue(target, e);
    }
  }
};
function conflictExtra(pkg, extra) {
  return `extra-${pkg.length}-${pkg}-${normalizeName(extra)}`;
}
function resolveEdge(edge, from, graph) {
  const { ctx, env } = graph;
  let candidates = (graph.byName.get(edge.name) ?? []).filter(
    (p) => (edge.version === void 0 || p.version === edge.version) && (edge.source === void 0 || sourceKey({ [p.sourceKind]: p.sourceValue }) === edge.source)
  );
  const where = { file: ctx.file, line: from.line, distribution: from.name };
  if (candidates.length > 1) {
    const extras = [...graph.activated];
    const fitting = candidates.filter(
      (p) => p.resolutionMarkers.length === 0 || p.resolutionMarkers.some((m) => markerTrue(m, env, extras, [], where))
    );
    if (fitting.length > 0) candidates = fitting;
  }
  if (candidates.length > 1) {
    throw new UserError(
      `${from.table}: the dependency on ${edge.name} matches ${candidates.length} tables of uv.lock (lines ${candidates.map((c) => c.line ?? "?").join(", ")}) for ${describeTarget(ctx.target)}`,
      { where, hint: RELOCK4 }
    );
  }
  const chosen = candidates[0];
  if (!chosen) {
    throw new UserError(
      `${from.table}: depends on ${edge.name}${edge.version ? ` ${edge.version}` : ""}, which uv.lock does not contain`,
      {
        where,
        hint: "the lock is damaged or was edited by hand: run `uv lock`"
      }
    );
  }
  return chosen;
}

// src/lock/uv.ts
var SUPPORTED_UV = "version 1 (revisions 1\u20133 tested; uv 0.5 and later)";
var KNOWN_SOURCES = /* @__PURE__ */ new Set([...FIRST_PARTY, "registry", "git", "url", "path"]);
function readUvLock(text, ctx) {
  const doc = parseLockToml(text, ctx.file);
  checkHeader4(text, doc, ctx);
  const packages = readPackages2(text, doc, ctx);
  const roots = findRoots(packages, doc, ctx);
  checkAgainstPyproject(packages, ctx);
  const errors = [];
  checkRequested(roots, ctx, errors);
  const selected = selectReachable(packages, roots, asArray(doc.conflicts).length > 0, ctx, errors);
  return pinSelected2(packages, selected, ctx, errors);
}
function checkHeader4(text, doc, ctx) {
  const version = doc.version;
  if (version !== 1) {
    throw new UserError(
      `unsupported uv.lock version ${JSON.stringify(version ?? "(missing)")}: this action reads uv.lock ${SUPPORTED_UV}`,
      {
        where: { file: ctx.file, line: lineOf(text, /^version\s*=/m) },
        hint: "update this action, or lock with a uv release that writes version 1"
      }
    );
  }
  checkRequiresPython(text, doc, "requires-python", ctx, "uv.lock");
}
function readPackages2(text, doc, ctx) {
  const lines = new PackageLines(text, "[[package]]");
  const tables = asArray(doc.package);
  const packages = tables.map((raw, id) => readPackage2(raw, id, tables.length, lines, ctx));
  refuseDuplicateTables(
    packages,
    (p) => `${p.name} ${p.version ?? ""} ${p.sourceKind}=${p.sourceValue}`,
    (p) => `${p.name} ${p.version ?? ""} from ${p.sourceKind} ${shown(p.sourceValue)}`,
    { file: ctx.file, lockName: "uv.lock", hint: RELOCK4 }
  );
  return packages;
}
function pinSelected2(packages, selected, ctx, errors) {
  const pins = { requirements: [], firstParty: [], findLinks: /* @__PURE__ */ new Set() };
  const chosenVersion = /* @__PURE__ */ new Map();
  for (const pkg of packages) {
    if (!selected.visited.has(`${pkg.id}`)) continue;
    const where = { file: ctx.file, line: pkg.line, distribution: pkg.name };
    collectError(errors, () => {
      const twin = chosenVersion.get(pkg.name);
      if (twin) {
        throw new UserError(
          `${pkg.table}: uv.lock selects two versions of ${pkg.name} (${twin.version} and ${pkg.version}) for ${describeTarget(ctx.target)}`,
          {
            where,
            hint: "run `uv lock` again; report it if the lock stays so"
          }
        );
      }
      chosenVersion.set(pkg.name, pkg);
      pinPackage2(pkg, selected.activeExtras.get(pkg.id), ctx, pins);
    });
  }
  throwAll(errors);
  const indexes = indexesFor(pins.requirements);
  append(indexes.findLinks, pins.findLinks);
  return {
    format: "uv",
    lockfile: ctx.file,
    requirements: pins.requirements.sort((a, b) => a.name.localeCompare(b.name)),
    indexes,
    complete: true,
    firstParty: pins.firstParty.sort((a, b) => a.path.localeCompare(b.path))
  };
}
function pinPackage2(pkg, extras, ctx, pins) {
  const where = { file: ctx.file, line: pkg.line, distribution: pkg.name };
  if (FIRST_PARTY.has(pkg.sourceKind)) {
    pins.firstParty.push({
      name: pkg.name,
      path: firstPartyPath(ctx, pkg.sourceValue || ".", pkg.table, pkg.name, where)
    });
    return;
  }
  const entry = {
    table: pkg.table,
    name: pkg.name,
    version: pkg.version ?? "",
    extras: [...extras ?? []],
    where: { file: ctx.file, line: pkg.line },
    relock: RELOCK4
  };
  const sdistHashes = pkg.sdist?.hash === void 0 ? [] : [checkHash(pkg.sdist.hash, { ...where, hint: RELOCK4 })];
  if (pkg.sourceKind === "git") {
    const git = parseUvGitSource(pkg.sourceValue);
    pins.requirements.push(gitPin(entry, ctx, { ...git, requested: git.rev }));
    return;
  }
  if (pkg.sourceKind === "path" && !/\.whl$/i.test(pkg.sourceValue) && buildsFromSource(ctx)) {
    pins.requirements.push(archivePin(entry, ctx, { path: pkg.sourceValue }, sdistHashes));
    return;
  }
  if (pkg.sourceKind === "url") {
    const subdirectory = pkg.source.subdirectory;
    pins.requirements.push(archivePin(entry, ctx, { url: pkg.sourceValue, subdirectory }, sdistHashes));
    return;
  }
  if (!pkg.version) throw new UserError(`${pkg.table}: ${pkg.name} has no version`, { where, hint: "run `uv lock`" });
  const index = registryOf(pkg, ctx, pins);
  const filenames = pkg.wheels.map((w) => asString(w.filename) ?? basename(asString(w.url) ?? asString(w.path) ?? ""));
  const hasSdist = pkg.sdist !== void 0;
  const building = pkg.sourceKind === "registry" && sdistOnly(filenames, hasSdist) && buildsFromSource(ctx);
  const fit = building ? void 0 : checkWheels({
    name: pkg.name,
    version: pkg.version,
    filenames,
    hasSdist,
    target: ctx.target,
    where,
    table: pkg.table
  });
  if (fit) throw fit;
  const hashes = pkg.wheels.filter((w) => w.hash !== void 0).map((w) => checkHash(w.hash, { ...where, hint: RELOCK4 }));
  const req = building ? sdistPin(entry, sdistHashes) : {
    name: pkg.name,
    version: pkg.version,
    extras: [...extras ?? []].sort(),
    hashes: [...new Set(hashes)],
    where: { file: ctx.file, line: pkg.line, table: pkg.table }
  };
  if (index) req.index = index;
  pins.requirements.push(req);
}
function registryOf(pkg, ctx, pins) {
  const where = { file: ctx.file, line: pkg.line, distribution: pkg.name };
  if (pkg.sourceKind === "path") {
    pins.findLinks.add(localWheelDir(ctx, pkg.sourceValue, pkg.table, pkg.name, where));
    return void 0;
  }
  if (/^https?:\/\//.test(pkg.sourceValue)) return checkIndexUrl(pkg.sourceValue, { ...where, hint: RELOCK4 });
  const local = projectPath(ctx, pkg.sourceValue);
  if (!local)
    throw new UserError(
      `${pkg.table}: ${pkg.name} comes from the local index ${pkg.sourceValue}, outside the project`,
      {
        where,
        hint: "move the folder inside `working-directory`, or serve it over HTTP"
      }
    );
  pins.findLinks.add(local.abs);
  return void 0;
}
function readEdges(value, at) {
  return asArray(value).map(asTable).filter((t) => !!t && typeof t.name === "string").map((t) => ({
    name: normalizeName(checkName(t.name, at)),
    version: asString(t.version),
    source: t.source === void 0 ? void 0 : sourceKey(asTable(t.source)),
    marker: asString(t.marker),
    extras: asArray(t.extra).map((e) => normalizeName(checkExtra(e, at)))
  }));
}
function readGroups(value, at) {
  const table = asTable(value) ?? {};
  return new Map(Object.entries(table).map(([k, v]) => [normalizeName(k), readEdges(v, at)]));
}
function readPackage2(raw, id, count, lines, ctx) {
  const t = asTable(raw) ?? {};
  const rawName = asString(t.name);
  if (!rawName)
    throw new UserError("a [[package]] table has no name", { where: { file: ctx.file }, hint: "run `uv lock`" });
  const line = lines.at(id, count, normalizeName(rawName), asString(t.version));
  checkName(rawName, { file: ctx.file, line, hint: RELOCK4 });
  const name = normalizeName(rawName);
  const at = { file: ctx.file, line, distribution: name, hint: RELOCK4 };
  const version = t.version === void 0 ? void 0 : checkVersion(t.version, at);
  const table = `[[package]] name = "${rawName}"`;
  const source = asTable(t.source) ?? {};
  const [sourceKind, sourceValue] = Object.entries(source)[0] ?? ["", ""];
  if (!KNOWN_SOURCES.has(sourceKind)) {
    throw new UserError(`${table}: unknown source ${shown(JSON.stringify(source), 200)}`, {
      where: { file: ctx.file, line, distribution: name },
      hint: `supported sources: ${[...KNOWN_SOURCES].join(", ")}`
    });
  }
  return {
    id,
    name,
    rawName,
    version,
    sourceKind,
    sourceValue: typeof sourceValue === "string" ? sourceValue : "",
    resolutionMarkers: asArray(t["resolution-markers"]).map(asString).filter((m) => !!m),
    dependencies: readEdges(t.dependencies, at),
    optional: readGroups(t["optional-dependencies"], at),
    groups: readGroups(t["dev-dependencies"], at),
    wheels: asArray(t.wheels).map(asTable).filter((w) => !!w),
    sdist: asTable(t.sdist),
    source,
    metadata: asTable(t.metadata),
    table,
    line
  };
}
function checkAgainstPyproject(packages, ctx) {
  const pyproject = readPyprojectBeside(ctx);
  const project = asTable(pyproject?.doc.project);
  const projectName = asString(project?.name);
  if (!pyproject || !project || !projectName || asArray(project.dynamic).includes("dependencies")) return;
  const hint = "run `uv lock` (or `uv sync`) and commit the updated uv.lock";
  const root = packages.find((p) => p.name === normalizeName(projectName) && FIRST_PARTY.has(p.sourceKind));
  if (!root) {
    throw new UserError(
      `uv.lock does not match pyproject.toml: run \`uv lock\` (the project ${projectName} is not in the lock)`,
      { where: { file: ctx.file }, hint }
    );
  }
  const wanted = new Set(asArray(project.dependencies).map((d) => requirementOf(d, { file: pyproject.file }).name));
  const requiresDist = asArray(root.metadata?.["requires-dist"]).map(asTable).filter((t) => !!t);
  const locked = new Set(requiresDist.map((t) => normalizeName(String(t.name))));
  const lockedMain = new Set(
    requiresDist.filter((t) => !/\bextra\s*==/.test(asString(t.marker) ?? "")).map((t) => normalizeName(String(t.name)))
  );
  const added = [...wanted].filter((n) => !locked.has(n));
  const dropped = [...lockedMain].filter((n) => !wanted.has(n));
  if (added.length > 0 || dropped.length > 0) {
    const parts = [
      added.length ? `pyproject.toml requires ${added.join(", ")}, which the lock does not` : "",
      dropped.length ? `the lock still requires ${dropped.join(", ")}, which pyproject.toml no longer does` : ""
    ].filter(Boolean);
    throw new UserError(`uv.lock does not match pyproject.toml: run \`uv lock\` (${parts.join("; ")})`, {
      where: { file: ctx.file, line: root.line, distribution: root.name },
      hint
    });
  }
}

// src/lock/index.ts
var FORMATS = [
  { format: "uv", matches: (f) => f === "uv.lock", reader: readUvLock },
  { format: "poetry", matches: (f) => f === "poetry.lock", reader: readPoetryLock },
  { format: "pipfile", matches: (f) => f === "Pipfile.lock", reader: readPipfileLock },
  { format: "pylock", matches: (f) => /^pylock(\.[^.]+)?\.toml$/.test(f), reader: readPylock },
  { format: "requirements", matches: () => true, reader: readRequirements }
];
function detectedNames(present) {
  const named = present.filter((f) => /^pylock\.[^.]+\.toml$/.test(f)).sort();
  return ["uv.lock", "poetry.lock", "Pipfile.lock", "pylock.toml", ...named, "requirements.txt"];
}
var DETECTED_LOCKFILES = [
  "uv.lock",
  "poetry.lock",
  "Pipfile.lock",
  "pylock.toml",
  "pylock.*.toml",
  "requirements.txt"
].join(", ");
function chooseLockfile(workingDirectory, requested) {
  if (requested) {
    const abs2 = path15.resolve(workingDirectory, requested);
    if (!existsSync5(abs2)) {
      throw new UserError(`lockfile ${requested} does not exist in ${workingDirectory}`, {
        where: { file: requested },
        hint: "check the `lockfile` input: it is relative to `working-directory`"
      });
    }
    const spec2 = FORMATS.find((f) => f.matches(path15.basename(abs2)));
    return { format: spec2.format, file: requested, ignored: [] };
  }
  const present = readdirSync2(workingDirectory);
  const found = detectedNames(present).filter((name) => present.includes(name));
  const first = found[0];
  if (!first) return void 0;
  const spec = FORMATS.find((f) => f.matches(first));
  return { format: spec.format, file: first, ignored: found.slice(1) };
}
function readLockfile(choice, ctx) {
  const abs2 = path15.resolve(ctx.workingDirectory, choice.file);
  const spec = FORMATS.find((f) => f.format === choice.format);
  const text = readLockText(abs2, choice.file, { file: choice.file }, [path15.dirname(abs2), ctx.workingDirectory]);
  return { ...spec.reader(text, { ...ctx, file: choice.file, path: abs2 }), text };
}

// src/lock/stage.ts
function logTarget(target, log) {
  log.info(`Target: ${target.runtime} on ${target.architecture} (${target.os}, glibc ${glibcString(target)})`);
  if (target.deprecated) {
    log.annotate(
      "warning",
      `${target.runtime} is deprecated by AWS Lambda: it still deploys, but plan the move to a newer runtime`
    );
  }
}
async function lockedSet(inputs, target, log) {
  const choice = chooseLockfile(inputs.workingDirectory, inputs.lockfile);
  let lock;
  if (!choice) lock = codeWithoutLockfile(inputs, log);
  else {
    if (choice.ignored.length > 0) {
      log.info(
        `Lockfile: ${choice.file} (also present, not used: ${choice.ignored.join(", ")}; set \`lockfile\` to choose)`
      );
    } else log.info(`Lockfile: ${choice.file}`);
    lock = await readLockfile(choice, {
      workingDirectory: inputs.workingDirectory,
      target,
      groups: inputs.groups,
      extras: inputs.extras,
      buildFromSource: inputs.buildFromSource
    });
  }
  log.info(`${lock.requirements.length} pinned distributions for ${target.runtime}/${target.architecture}`);
  const members = lock.firstParty.filter((m) => m.path !== ".").map((m) => m.name);
  if (inputs.packageMode === "layer" && members.length > 0) {
    log.annotate(
      "warning",
      `first-party packages ${members.join(", ")} are code, not in the layer: use package: split, or publish them as wheels and pin them`,
      { file: lock.lockfile }
    );
  }
  return lock;
}
function codeWithoutLockfile(inputs, log) {
  const where = `${inputs.workingDirectory} (looked for ${DETECTED_LOCKFILES})`;
  if (inputs.packageMode !== "function") {
    throw new UserError(`no lockfile found in ${where}; package: ${inputs.packageMode} needs one for the layer`, {
      hint: "set `lockfile` to your lockfile's path relative to `working-directory`, or use `package: function` to ship code without dependencies"
    });
  }
  log.annotate(
    "notice",
    `no lockfile found in ${where}: building the function code alone, with no third-party dependencies`
  );
  return {
    format: "requirements",
    lockfile: "",
    requirements: [],
    indexes: emptyIndexOptions(),
    complete: true,
    firstParty: []
  };
}

// src/optimize/index.ts
import { mkdir as mkdir10, readFile as readFile6, stat as stat7, writeFile as writeFile6 } from "node:fs/promises";
import path20 from "node:path";

// src/optimize/plan.ts
var import_picomatch = __toESM(require_picomatch2(), 1);

// src/optimize/elf-strip.ts
var SHF_ALLOC = 0x2n;
var SHF_INFO_LINK = 0x40n;
var SHT_NOBITS = 8;
var SHT_REL = 9;
var SHT_RELA = 4;
var SHT_GROUP = 17;
var SHT_SYMTAB_SHNDX = 18;
var SHDR_SIZE = 64;
var removable = (name) => name === ".symtab" || name === ".strtab" || name.startsWith(".debug_") || name.startsWith(".zdebug_");
function cString(bytes, at, end) {
  if (at >= end) return void 0;
  const stop = bytes.indexOf(0, at);
  if (stop < 0 || stop >= end) return void 0;
  return bytes.toString("latin1", at, stop);
}
function readSections(bytes) {
  if (bytes.length < 64 || bytes.readUInt32BE(0) !== 2135247942) return void 0;
  if (bytes[4] !== 2 || bytes[5] !== 1) return void 0;
  const shoff = Number(bytes.readBigUInt64LE(40));
  const shentsize = bytes.readUInt16LE(58);
  const shnum = bytes.readUInt16LE(60);
  const shstrndx = bytes.readUInt16LE(62);
  if (shentsize !== SHDR_SIZE || shnum === 0 || shstrndx === 0 || shstrndx >= shnum) return void 0;
  if (shoff < 64 || shoff + shnum * SHDR_SIZE > bytes.length) return void 0;
  const raw = Array.from({ length: shnum }, (_, i) => {
    const h = bytes.subarray(shoff + i * SHDR_SIZE, shoff + (i + 1) * SHDR_SIZE);
    return {
      nameAt: h.readUInt32LE(0),
      type: h.readUInt32LE(4),
      flags: h.readBigUInt64LE(8),
      offset: h.readBigUInt64LE(24),
      size: h.readBigUInt64LE(32),
      link: h.readUInt32LE(40),
      info: h.readUInt32LE(44),
      align: h.readBigUInt64LE(48),
      header: Buffer.from(h)
    };
  });
  const sections = [];
  const names2 = raw[shstrndx];
  const namesEnd = Number(names2.offset + names2.size);
  if (namesEnd > bytes.length) return void 0;
  for (const [index, s] of raw.entries()) {
    if (s.type === SHT_GROUP || s.type === SHT_SYMTAB_SHNDX) return void 0;
    const inFile = s.type === SHT_NOBITS ? 0n : s.size;
    if (s.offset + inFile > BigInt(bytes.length) || s.align > 1n << 32n) return void 0;
    const name = index === 0 ? "" : cString(bytes, Number(names2.offset) + s.nameAt, namesEnd);
    if (name === void 0) return void 0;
    sections.push({
      index,
      name,
      type: s.type,
      flags: s.flags,
      offset: Number(s.offset),
      size: Number(inFile),
      link: s.link,
      info: s.info,
      align: Math.max(1, Number(s.align)),
      header: s.header
    });
  }
  return sections;
}
function chooseRemoved(sections, shstrndx) {
  const removed = new Set(
    sections.filter((s) => s.index > 0 && s.index !== shstrndx && (s.flags & SHF_ALLOC) === 0n && removable(s.name))
  );
  const refersTo = (s) => [
    s.link,
    ...s.type === SHT_REL || s.type === SHT_RELA || (s.flags & SHF_INFO_LINK) !== 0n ? [s.info] : []
  ];
  const work = sections.filter((s) => !removed.has(s));
  for (let s = work.pop(); s; s = work.pop()) {
    for (const target of refersTo(s)) {
      const t = sections[target];
      if (t && removed.delete(t)) work.push(t);
    }
  }
  return new Set([...removed].map((s) => s.index));
}
function stripElf(bytes) {
  try {
    return rewrite(bytes);
  } catch (error) {
    if (error instanceof RangeError) return void 0;
    throw error;
  }
}
function rewrite(bytes) {
  const sections = readSections(bytes);
  if (!sections) return void 0;
  const shstrndx = bytes.readUInt16LE(62);
  const removed = chooseRemoved(sections, shstrndx);
  if (removed.size === 0) return void 0;
  const phoff = Number(bytes.readBigUInt64LE(32));
  const phentsize = bytes.readUInt16LE(54);
  const phnum = bytes.readUInt16LE(56);
  if (phnum > 0 && (phentsize < 56 || phoff + phnum * phentsize > bytes.length)) return void 0;
  let mapped = Math.max(64, phoff + phnum * phentsize);
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize;
    const end2 = Number(bytes.readBigUInt64LE(at + 8) + bytes.readBigUInt64LE(at + 32));
    if (end2 > bytes.length) return void 0;
    mapped = Math.max(mapped, end2);
  }
  for (const s of sections) if ((s.flags & SHF_ALLOC) !== 0n) mapped = Math.max(mapped, s.offset + s.size);
  const kept = sections.filter((s) => !removed.has(s.index));
  const newIndex = new Map(kept.map((s, i) => [s.index, i]));
  const moves = [];
  let end = mapped;
  let previousEnd = mapped;
  for (const s of [...kept].sort((a, b) => a.offset - b.offset || a.index - b.index)) {
    if (s.index === 0 || s.offset + s.size <= mapped || s.size === 0) continue;
    if (s.offset < mapped) return void 0;
    if (s.offset < previousEnd) return void 0;
    previousEnd = s.offset + s.size;
    const at = Math.ceil(end / s.align) * s.align;
    moves.push({ section: s, at });
    end = at + s.size;
  }
  const shoff = Math.ceil(end / 8) * 8;
  if (shoff + kept.length * SHDR_SIZE >= bytes.length) return void 0;
  const chunks = [bytes.subarray(0, mapped)];
  const placed = /* @__PURE__ */ new Map();
  let written = mapped;
  for (const { section: s, at } of moves) {
    chunks.push(Buffer.alloc(at - written), bytes.subarray(s.offset, s.offset + s.size));
    placed.set(s.index, at);
    written = at + s.size;
  }
  chunks.push(Buffer.alloc(shoff - written));
  for (const s of kept) {
    const h = Buffer.from(s.header);
    const moved = placed.get(s.index);
    if (moved !== void 0) h.writeBigUInt64LE(BigInt(moved), 24);
    else if (s.size === 0 && s.offset > mapped && s.type !== SHT_NOBITS) h.writeBigUInt64LE(BigInt(shoff), 24);
    h.writeUInt32LE(newIndex.get(s.link) ?? 0, 40);
    if (s.type === SHT_REL || s.type === SHT_RELA || (s.flags & SHF_INFO_LINK) !== 0n)
      h.writeUInt32LE(newIndex.get(s.info) ?? 0, 44);
    chunks.push(h);
  }
  const out = Buffer.concat(chunks);
  out.writeBigUInt64LE(BigInt(shoff), 40);
  out.writeUInt16LE(kept.length, 60);
  out.writeUInt16LE(newIndex.get(shstrndx), 62);
  return {
    bytes: out,
    removed: sections.filter((s) => removed.has(s.index)).map((s) => s.name)
  };
}
var isSharedObjectName = (file) => /\.so(\.\d+)*$/.test(file);

// src/optimize/plan.ts
var SOURCE_EXTENSIONS = /\.(c|h|cc|cpp|cxx|hpp|hh|pyx|pxd|pxi)$/i;
var IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
function testsFolder(file) {
  const parts = file.split("/");
  const at = parts.findIndex((p, i) => i > 0 && i < parts.length - 1 && (p === "tests" || p === "test"));
  return at > 0 ? parts.slice(0, at + 1).join("/") : void 0;
}
function slimKeepLine(file) {
  const folder = testsFolder(file);
  return folder ? `${folder}/**` : file;
}
function slimKind(file) {
  if (testsFolder(file)) return "tests";
  if (file.endsWith(".pyi")) return "type stubs";
  if (SOURCE_EXTENSIONS.test(file)) return "C/Cython sources";
  return void 0;
}
var untouchable = (file) => {
  const top = file.split("/")[0] ?? "";
  return top.endsWith(".dist-info") || top.endsWith(".data");
};
function slimMayRemove(settings) {
  if (!settings.slim) return void 0;
  const keep = keepMatcher(settings.slimKeep);
  return (file) => !untouchable(file) && slimKind(file) !== void 0 && !keep(file);
}
function importable(file) {
  if (!file.endsWith(".py")) return false;
  const parts = file.slice(0, -3).split("/");
  return parts.every((p) => IDENTIFIER.test(p));
}
function keepMatcher(globs) {
  if (globs.length === 0) return () => false;
  const match = (0, import_picomatch.default)(globs, { dot: true });
  return (file) => match(file);
}
function planDependencies(tree, settings, compile, keptBack = /* @__PURE__ */ new Set()) {
  const exclude = new Set(settings.excludePackages);
  const byName = new Map(tree.distributions.map((d) => [d.name, d]));
  const excludedFiles = /* @__PURE__ */ new Map();
  for (const f of tree.files) {
    if (f.distribution && exclude.has(f.distribution)) {
      const list = excludedFiles.get(f.distribution) ?? [];
      list.push(f);
      excludedFiles.set(f.distribution, list);
    }
  }
  const excluded = [...exclude].filter((name) => byName.has(name)).sort().map((name) => {
    const files = excludedFiles.get(name) ?? [];
    return {
      name,
      version: byName.get(name)?.version ?? "",
      files: files.map((f) => f.path),
      bytes: files.reduce((n, f) => n + f.size, 0)
    };
  });
  const notInstalled = [...exclude].filter((name) => !byName.has(name)).sort();
  const keep = keepMatcher(settings.slimKeep);
  const removed = /* @__PURE__ */ new Map();
  const strip = [];
  const sources = [];
  for (const f of tree.files) {
    if (f.distribution && exclude.has(f.distribution)) continue;
    if (f.symlink !== void 0 || untouchable(f.path)) continue;
    const kind = settings.slim && f.distribution && !keep(f.path) && !keptBack.has(f.path) ? slimKind(f.path) : void 0;
    if (kind && f.distribution) {
      const list = removed.get(f.distribution) ?? [];
      list.push({ path: f.path, bytes: f.size, kind });
      removed.set(f.distribution, list);
      continue;
    }
    if (settings.slim && isSharedObjectName(f.path) && !keep(f.path)) strip.push(f.path);
    if (compile && importable(f.path)) sources.push(f.path);
  }
  return { excluded, notInstalled, removed, strip, compile: sources };
}
function planCode(code, compile) {
  return compile ? code.filter((f) => f.symlink === void 0 && importable(f.path)) : [];
}
function pycPath(source, cacheTag) {
  const slash = source.lastIndexOf("/");
  const dir = slash < 0 ? "" : source.slice(0, slash + 1);
  const stem = source.slice(slash + 1, -".py".length);
  return `${dir}__pycache__/${stem}.${cacheTag}.pyc`;
}
function slimFigures(removed, stripped) {
  const byDistribution = /* @__PURE__ */ new Map();
  const of = (distribution) => {
    let slim = byDistribution.get(distribution);
    if (!slim) {
      slim = { distribution, files: 0, bytes: 0, kinds: {}, stripped: { files: 0, bytes: 0 } };
      byDistribution.set(distribution, slim);
    }
    return slim;
  };
  for (const [distribution, files] of removed) {
    const slim = of(distribution);
    for (const f of files) {
      slim.files++;
      slim.bytes += f.bytes;
      slim.kinds[f.kind] = (slim.kinds[f.kind] ?? 0) + f.bytes;
    }
  }
  const total = { files: 0, bytes: 0 };
  for (const s of stripped) {
    total.files++;
    total.bytes += s.saved;
    if (s.distribution === void 0) continue;
    const slim = of(s.distribution);
    slim.stripped.files++;
    slim.stripped.bytes += s.saved;
  }
  const saved = (s) => s.bytes + s.stripped.bytes;
  return {
    slimmed: [...byDistribution.values()].sort(
      (a, b) => saved(b) - saved(a) || a.distribution.localeCompare(b.distribution)
    ),
    stripped: total,
    removed: [...removed.values()].flat().map((f) => f.path).sort()
  };
}

// src/optimize/budget.ts
var inTests = (b) => slimKeepLine(b.source) !== b.source;
var rank = (b) => (inTests(b) ? 2 : 0) + (b.source.endsWith("/__init__.py") ? 0 : 1);
function fitBytecode(pycs, others, limit = UNZIPPED_LIMIT) {
  const allBytes = pycs.reduce((n, b) => n + b.bytes, 0);
  const over = others + allBytes - limit;
  if (over <= 0) return { kept: [...pycs], dropped: [], allBytes, over: 0 };
  const ordered = [...pycs].sort((a, b) => rank(a) - rank(b) || (a.source < b.source ? -1 : 1));
  const kept = [];
  const dropped = [];
  let room = Math.max(0, limit - others);
  for (const b of ordered) {
    if (b.bytes <= room) {
      kept.push(b);
      room -= b.bytes;
    } else dropped.push(b);
  }
  return { kept, dropped, allBytes, over };
}
function overLimitMessage(fit, testsWithoutSlim) {
  const keptBytes = fit.kept.reduce((n, b) => n + b.bytes, 0);
  const todo = [
    testsWithoutSlim > 0 ? `\`slim: true\` (${testsWithoutSlim} bytes of test suites, stubs and C sources out, bytecode for more modules in)` : void 0,
    "`exclude-packages` for what the Lambda runtime provides (boto3, botocore)",
    "`compile: false` to ship no bytecode"
  ].filter(Boolean);
  return `bytecode for all ${fit.kept.length + fit.dropped.length} modules (${fit.allBytes} bytes) would take the package ${fit.over} bytes over Lambda's unzipped limit of ${UNZIPPED_LIMIT}: bytecode for ${fit.kept.length} modules (${keptBytes} bytes) ships, ${fit.dropped.length} modules ship as source only and compile at each cold start that imports them.
  \u2192 ${todo.join(", or ")}`;
}
function bytecodeWouldFit(unzipped, sourceBytes, limit = UNZIPPED_LIMIT) {
  return unzipped + Math.ceil(sourceBytes * 1.5) <= limit;
}

// src/optimize/compile.ts
import { mkdir as mkdir8, readFile, stat as stat3, writeFile as writeFile3 } from "node:fs/promises";
import path16 from "node:path";
var SCRIPT = `
import json, py_compile, sys
from py_compile import PycInvalidationMode
with open(sys.argv[1], encoding="utf-8") as f:
    jobs = json.load(f)
failed = []
for source, cfile, dfile in jobs:
    try:
        py_compile.compile(source, cfile=cfile, dfile=dfile, doraise=True, optimize=0,
                           invalidation_mode=PycInvalidationMode.UNCHECKED_HASH)
    except Exception as e:
        failed.append([dfile, (str(e).strip().splitlines() or [type(e).__name__])[-1][:200]])
with open(sys.argv[2], "w", encoding="utf-8") as f:
    json.dump(failed, f)
`;
var FILES_PER_PROCESS = 200;
async function compileSources(python, jobs, scratch, env, processes = Math.min(defaultThreads(), Math.ceil(jobs.length / FILES_PER_PROCESS))) {
  if (jobs.length === 0) return [];
  const dir = path16.join(scratch, "compile");
  await mkdir8(dir, { recursive: true });
  const script = path16.join(dir, "compile.py");
  await writeFile3(script, SCRIPT);
  const sizes = await Promise.all(
    jobs.map(
      (j) => stat3(j.source).then(
        (s) => s.size,
        () => 0
      )
    )
  );
  const shares = shareOut(sizes, Math.max(1, processes));
  const failed = await Promise.all(
    shares.map(
      (indexes) => compileShare(
        python,
        script,
        dir,
        indexes.map((i) => jobs[i]),
        env
      )
    )
  );
  const order = new Map(jobs.map((j, i) => [j.displayName, i]));
  return failed.flat().sort((a, b) => (order.get(a.path) ?? 0) - (order.get(b.path) ?? 0));
}
function shareOut(sizes, n) {
  const total = sizes.reduce((a, b) => a + b, 0);
  const shares = Array.from({ length: n }, () => []);
  let done = 0;
  sizes.forEach((size, i) => {
    const share = Math.min(n - 1, Math.floor(done / Math.max(1, total) * n));
    shares[share].push(i);
    done += size;
  });
  return shares.filter((s) => s.length > 0);
}
async function compileShare(python, script, dir, jobs, env) {
  const list = path16.join(dir, `jobs-${Date.now()}-${Math.random().toString(36).slice(2)}.json`);
  const result = `${list}.out`;
  await writeFile3(list, JSON.stringify(jobs.map((j) => [j.source, j.pyc, j.displayName])));
  const r = await runProcess(python.command, ["-I", "-S", script, list, result], { env: { PATH: env.PATH } });
  if (r.code !== 0) {
    throw new Error(
      `${python.command} failed to compile (exit ${r.code}): ${r.output.trim().split("\n").slice(-3).join(" ")}`
    );
  }
  const failed = JSON.parse(await readFile(result, "utf8"));
  return failed.map(([p, error]) => ({ path: p, error }));
}

// src/optimize/members.ts
import { mkdir as mkdir9, readFile as readFile4, stat as stat5, writeFile as writeFile5 } from "node:fs/promises";
import path18 from "node:path";

// src/optimize/apply.ts
import { readFile as readFile2, rename as rename2, rm as rm7, rmdir, stat as stat4, writeFile as writeFile4 } from "node:fs/promises";
import path17 from "node:path";
var abs = (tree, file) => path17.join(tree.root, file);
async function replaceFile(file, bytes, mode) {
  const next = `${file}.lpp-new`;
  await writeFile4(next, bytes, { mode });
  await rename2(next, file);
}
async function removeFiles(tree, files) {
  const dirs = /* @__PURE__ */ new Set();
  for (const f of files) {
    await rm7(abs(tree, f), { force: true });
    for (let d = path17.posix.dirname(f); d !== "."; d = path17.posix.dirname(d)) dirs.add(d);
  }
  for (const d of [...dirs].sort((a, b) => b.split("/").length - a.split("/").length || (a < b ? 1 : -1))) {
    await rmdir(abs(tree, d)).catch(() => {
    });
  }
}
async function stripSharedObjects(tree, files) {
  const changed = /* @__PURE__ */ new Map();
  for (const f of files) {
    const file = abs(tree, f);
    const result = stripElf(await readFile2(file));
    if (!result) continue;
    await replaceFile(file, result.bytes, (await stat4(file)).mode & 511);
    changed.set(f, result.bytes.length);
  }
  return changed;
}
function rewriteRecordText(text, changes, distribution) {
  const lines = [];
  for (const row of parseRecord(text)) {
    if (changes.removed.has(row.path)) continue;
    const now = changes.rewritten.get(row.path);
    if (now) lines.push(recordRow([row.path, now.hash, String(now.size)]));
    else lines.push(recordRow([row.path, row.hash ?? "", row.size === void 0 ? "" : String(row.size)]));
  }
  const added = [...changes.added.get(distribution) ?? []].sort((a, b) => a.path < b.path ? -1 : 1);
  for (const f of added) lines.push(recordRow([f.path, f.hash, String(f.size)]));
  return `${lines.join("\n")}
`;
}
function recordTouched(dist, changes) {
  if (changes.removed.has(`${dist.distInfo}/RECORD`)) return false;
  return (changes.added.get(dist.name)?.length ?? 0) > 0 || dist.record.some((r) => changes.removed.has(r.path) || changes.rewritten.has(r.path));
}
async function rewriteRecords(tree, changes) {
  const described = async (file) => {
    const bytes = await readFile2(abs(tree, file));
    return { path: file, hash: recordHash(bytes), size: bytes.length };
  };
  const rewritten = /* @__PURE__ */ new Map();
  for (const file of changes.rewritten) rewritten.set(file, await described(file));
  const added = /* @__PURE__ */ new Map();
  for (const [dist, files] of changes.added) added.set(dist, await Promise.all(files.map(described)));
  const all = { removed: changes.removed, rewritten, added };
  for (const dist of tree.distributions) {
    if (!recordTouched(dist, all)) continue;
    const recordFile = abs(tree, `${dist.distInfo}/RECORD`);
    const text = rewriteRecordText(await readFile2(recordFile, "utf8"), all, dist.name);
    await replaceFile(recordFile, text, 420);
  }
}

// src/optimize/steps.ts
import { readFile as readFile3 } from "node:fs/promises";

// src/optimize/imports.ts
var PLAIN_SPECIAL = /[\\\n\r'"]/g;
var F_SPECIAL = /[\\\n\r'"{}]/g;
var LINE_END = /[\n\r]/g;
var STRING_PREFIX = /^(?:[rRuUbBfFtT]|[rR][bBfFtT]|[bBfFtT][rR])$/;
var isNameStart = (c) => c >= 97 && c <= 122 || c >= 65 && c <= 90 || c === 95 || c > 127;
var isNameChar = (c) => isNameStart(c) || c >= 48 && c <= 57;
var isDigit2 = (c) => c >= 48 && c <= 57;
var SIMPLE_ESCAPES = {
  "\\": "\\",
  "'": "'",
  '"': '"',
  a: "\x07",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "	",
  v: "\v",
  "\n": ""
};
function decode(body) {
  if (!body.includes("\\")) return body;
  let out = "";
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== "\\") {
      out += c;
      continue;
    }
    const n = body[++i] ?? "";
    const simple = SIMPLE_ESCAPES[n];
    if (simple !== void 0) out += simple;
    else if (n === "\r") i += body[i + 1] === "\n" ? 1 : 0;
    else if (n >= "0" && n <= "7") {
      const m = /^[0-7]{1,3}/.exec(body.slice(i))[0];
      out += String.fromCodePoint(Number.parseInt(m, 8));
      i += m.length - 1;
    } else if (n === "x" || n === "u" || n === "U") {
      const width = n === "x" ? 2 : n === "u" ? 4 : 8;
      const hex = body.slice(i + 1, i + 1 + width);
      if (!new RegExp(`^[0-9a-fA-F]{${width}}$`).test(hex)) return void 0;
      const code = Number.parseInt(hex, 16);
      if (code > 1114111) return void 0;
      out += String.fromCodePoint(code);
      i += width;
    } else if (n === "N") return void 0;
    else out += `\\${n}`;
  }
  return out;
}
var Tokenizer = class {
  constructor(s) {
    this.s = s;
  }
  s;
  i = 0;
  line = 1;
  tokens = [];
  literals = [];
  /** Tokens until the end, or (inside an f-string's field) until its `}`, `:` or `!` at depth 0. */
  run(inField = false) {
    const s = this.s;
    let depth = 0;
    while (this.i < s.length) {
      const c = s.charCodeAt(this.i);
      if (c === 10 || c === 13) {
        if (c === 13 && s.charCodeAt(this.i + 1) === 10) this.i++;
        this.i++;
        if (depth === 0 && !inField) this.tokens.push({ t: "nl", line: this.line });
        this.line++;
      } else if (c === 32 || c === 9 || c === 12) this.i++;
      else if (c === 35) {
        LINE_END.lastIndex = this.i;
        this.i = LINE_END.exec(s)?.index ?? s.length;
      } else if (c === 92) {
        this.i++;
        const crlf = s[this.i] === "\r" && s[this.i + 1] === "\n" ? 2 : 1;
        if (s[this.i] === "\r" || s[this.i] === "\n") {
          this.i += crlf;
          this.line++;
        }
      } else if (c === 39 || c === 34) this.string("");
      else if (isNameStart(c)) {
        const start = this.i;
        while (this.i < s.length && isNameChar(s.charCodeAt(this.i))) this.i++;
        const word = s.slice(start, this.i);
        const q = s[this.i];
        if ((q === "'" || q === '"') && STRING_PREFIX.test(word)) this.string(word.toLowerCase());
        else this.tokens.push({ t: "name", v: word, line: this.line });
      } else if (isDigit2(c) || c === 46 && isDigit2(s.charCodeAt(this.i + 1))) {
        while (this.i < s.length && (isNameChar(s.charCodeAt(this.i)) || s.charCodeAt(this.i) === 46)) this.i++;
      } else {
        const ch = s[this.i];
        if (inField && depth === 0 && (ch === "}" || ch === ":" || ch === "!" && s[this.i + 1] !== "=")) return;
        if (ch === "(" || ch === "[" || ch === "{") depth++;
        else if ((ch === ")" || ch === "]" || ch === "}") && depth > 0) depth--;
        if (ch === "." && s.startsWith("...", this.i)) {
          this.tokens.push({ t: "op", v: "...", line: this.line });
          this.i += 3;
        } else {
          this.tokens.push({ t: "op", v: ch, line: this.line });
          this.i++;
        }
      }
    }
  }
  /** A string literal at `i` (its prefix already read); adjacent plain literals join as Python joins them. */
  string(prefix) {
    const s = this.s;
    const q = s[this.i];
    const triple = s.startsWith(q.repeat(3), this.i);
    const close = triple ? q.repeat(3) : q;
    const line = this.line;
    this.i += close.length;
    const raw = prefix.includes("r");
    const formatted = prefix.includes("f") || prefix.includes("t");
    const bytes = prefix.includes("b");
    const special = formatted ? F_SPECIAL : PLAIN_SPECIAL;
    let text = "";
    while (this.i < s.length) {
      special.lastIndex = this.i;
      const found = special.exec(s);
      const at = found ? found.index : s.length;
      text += s.slice(this.i, at);
      this.i = at;
      if (at >= s.length) break;
      if (s.startsWith(close, this.i)) {
        this.i += close.length;
        break;
      }
      const ch = s[this.i];
      if (ch === "\\") {
        const next = s[this.i + 1];
        const width = formatted && (next === "{" || next === "}") ? 1 : formatted && !raw && next === "N" && s[this.i + 2] === "{" ? Math.max(2, s.indexOf("}", this.i) + 1 - this.i) : s.startsWith("\r\n", this.i + 1) ? 3 : 2;
        const pair = s.slice(this.i, this.i + width);
        text += pair;
        this.i += pair.length;
        if (pair.endsWith("\n") || pair.endsWith("\r")) this.line++;
        continue;
      }
      if (ch === "\n" || ch === "\r" && s[this.i + 1] !== "\n") {
        if (!triple) break;
        this.line++;
      }
      if (formatted && ch === "{") {
        if (s[this.i + 1] === "{") {
          text += "{";
          this.i += 2;
          continue;
        }
        this.flushPart(text, raw);
        text = "";
        this.field();
        continue;
      }
      if (formatted && ch === "}" && s[this.i + 1] === "}") {
        text += "}";
        this.i += 2;
        continue;
      }
      text += ch;
      this.i++;
    }
    if (formatted) {
      this.flushPart(text, raw);
      this.pushString(void 0, line);
    } else this.pushString(bytes ? void 0 : raw ? text : decode(text), line, bytes);
  }
  flushPart(part, raw) {
    const text = raw ? part : decode(part);
    if (text) this.literals.push(text);
  }
  /** An f-string's replacement field, from `{` to its `}`: an expression, a conversion, a format spec. */
  field() {
    const s = this.s;
    this.i++;
    this.run(true);
    if (s[this.i] === "!") {
      this.i++;
      while (this.i < s.length && isNameChar(s.charCodeAt(this.i))) this.i++;
    }
    if (s[this.i] === ":") {
      this.i++;
      while (this.i < s.length && s[this.i] !== "}") {
        if (s[this.i] === "{") this.field();
        else {
          if (s[this.i] === "\n") this.line++;
          this.i++;
        }
      }
    }
    if (s[this.i] === "}") this.i++;
  }
  pushString(value, line, bytes = false) {
    const last = this.tokens[this.tokens.length - 1];
    if (!bytes && value !== void 0) this.literals.push(value);
    if (last?.t === "str") {
      last.v = last.v === void 0 || value === void 0 ? void 0 : last.v + value;
      if (last.v !== void 0) this.literals.push(last.v);
      return;
    }
    this.tokens.push({ t: "str", v: bytes ? void 0 : value, line });
  }
};
function dotted(tokens, at) {
  const first = tokens[at];
  if (first?.t !== "name") return void 0;
  let name = first.v;
  let i = at + 1;
  for (; ; ) {
    const dot = tokens[i];
    const part = tokens[i + 1];
    if (dot?.t !== "op" || dot.v !== "." || part?.t !== "name") break;
    name += `.${part.v}`;
    i += 2;
  }
  return { name, next: i };
}
var isOp = (t, v) => t?.t === "op" && t.v === v;
var isName = (t, v) => t?.t === "name" && t.v === v;
function importStatement(tokens, at) {
  const refs = [];
  const line = tokens[at].line;
  let i = at + 1;
  for (; ; ) {
    const d = dotted(tokens, i);
    if (!d) break;
    refs.push({ line, kind: "import", level: 0, module: d.name, names: [] });
    i = d.next;
    if (isName(tokens[i], "as")) i += 2;
    if (!isOp(tokens[i], ",")) break;
    i++;
  }
  return refs;
}
function fromStatement(tokens, at) {
  let i = at + 1;
  let level = 0;
  for (; tokens[i]?.t === "op"; i++) {
    const v = tokens[i].v;
    if (v === ".") level += 1;
    else if (v === "...") level += 3;
    else break;
  }
  const d = isName(tokens[i], "import") ? void 0 : dotted(tokens, i);
  if (d) i = d.next;
  if (!d && level === 0 || !isName(tokens[i], "import")) return void 0;
  i++;
  const names2 = [];
  if (isOp(tokens[i], "*")) names2.push("*");
  else {
    const parenthesized = isOp(tokens[i], "(");
    if (parenthesized) i++;
    while (tokens[i]?.t === "name") {
      names2.push(tokens[i].v);
      i++;
      if (isName(tokens[i], "as")) i += 2;
      if (!isOp(tokens[i], ",")) break;
      i++;
    }
  }
  return { line: tokens[at].line, kind: "from", level, module: d?.name ?? "", names: names2 };
}
function importCall(tokens, at) {
  const before = tokens[at - 1];
  if (isName(before, "def") || isName(before, "class")) return void 0;
  const arg = tokens[at + 2];
  if (!isOp(tokens[at + 1], "(") || arg?.t !== "str" || arg.v === void 0) return void 0;
  if (!isOp(tokens[at + 3], ",") && !isOp(tokens[at + 3], ")")) return void 0;
  const level = /^\.*/.exec(arg.v)[0].length;
  return { line: tokens[at].line, kind: "call", level, module: arg.v.slice(level), names: [] };
}
function scanSource(text) {
  const tokenizer = new Tokenizer(text.charCodeAt(0) === 65279 ? text.slice(1) : text);
  tokenizer.run();
  const { tokens } = tokenizer;
  const imports = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.t !== "name") continue;
    if (t.v === "import" && !isOp(tokens[i - 1], ".")) append(imports, importStatement(tokens, i));
    else if (t.v === "from") {
      const ref = fromStatement(tokens, i);
      if (ref) {
        imports.push(ref);
        while (i + 1 < tokens.length && !isName(tokens[i], "import")) i++;
      }
    } else if (t.v === "import_module" || t.v === "__import__") {
      const ref = importCall(tokens, i);
      if (ref) imports.push(ref);
    }
  }
  return { imports, literals: tokenizer.literals };
}

// src/optimize/keep.ts
var IDENTIFIER2 = /^[A-Za-z_][A-Za-z0-9_]*$/;
function moduleOf(file) {
  const m = /^(.*?)(?:\.py|(?:\.[A-Za-z0-9_-]+)?\.so)$/.exec(file);
  if (!m) return void 0;
  const parts = m[1].split("/");
  if (parts[parts.length - 1] === "__init__" && file.endsWith(".py")) parts.pop();
  if (parts.length === 0 || !parts.every((p) => IDENTIFIER2.test(p))) return void 0;
  return parts.join(".");
}
function packageOf(file) {
  const parts = file.split("/");
  parts.pop();
  return parts;
}
function namedModules(ref, file) {
  let base;
  if (ref.level === 0) base = ref.module ? ref.module.split(".") : [];
  else {
    const pkg = packageOf(file);
    if (ref.level - 1 > pkg.length) return [];
    base = [...pkg.slice(0, pkg.length - (ref.level - 1)), ...ref.module ? ref.module.split(".") : []];
  }
  const names2 = base.map((_, i) => base.slice(0, i + 1).join("."));
  if (ref.kind === "from") {
    for (const n of ref.names) if (n !== "*") names2.push([...base, n].join("."));
  }
  return names2;
}
function pathSegments(literal) {
  if (literal.length > 300 || /[\n\r\0]/.test(literal)) return void 0;
  const segments = literal.split(/[\\/]+/).filter((s) => s !== "" && s !== ".");
  return segments.length > 0 ? segments : void 0;
}
var add = (map, key, file) => {
  const list = map.get(key);
  if (list) list.push(file);
  else map.set(key, [file]);
};
function indexCandidates(files, candidates) {
  const modules = /* @__PURE__ */ new Map();
  const byFile = /* @__PURE__ */ new Map();
  const byFolder = /* @__PURE__ */ new Map();
  for (const f of files) {
    if (!candidates.has(f)) continue;
    const mod = moduleOf(f);
    if (mod !== void 0) add(modules, mod, f);
    if (f.endsWith(".py")) continue;
    const parts = f.split("/");
    add(byFile, parts[parts.length - 1], f);
    for (const folder of new Set(parts.slice(1, -1))) add(byFolder, folder, f);
  }
  return { modules, byFile, byFolder };
}
function names(file, segments) {
  const parts = file.split("/");
  for (let end = parts.length; end >= segments.length; end--) {
    if (parts[end - 1] !== segments[segments.length - 1]) continue;
    if (segments.every((s, k) => parts[end - segments.length + k] === s)) return true;
  }
  return false;
}
async function keptByImports(input) {
  const { files, candidates } = input;
  const { modules, byFile, byFolder } = indexCandidates(files, candidates);
  const kept = /* @__PURE__ */ new Map();
  if (modules.size === 0 && byFile.size === 0) return [];
  const queue2 = files.filter((f) => !candidates.has(f) && f.endsWith(".py"));
  const keep = (path27, reason) => {
    if (kept.has(path27)) return;
    kept.set(path27, { path: path27, ...reason });
    if (path27.endsWith(".py")) queue2.push(path27);
  };
  for (let i = 0; i < queue2.length; i++) {
    const file = queue2[i];
    const text = await input.read(file);
    if (text === void 0) continue;
    const scan = scanSource(text);
    for (const ref of scan.imports) {
      for (const name of namedModules(ref, file)) {
        for (const path27 of modules.get(name) ?? []) keep(path27, { by: file, line: ref.line, name, how: "imports" });
      }
    }
    for (const literal of scan.literals) {
      const segments = pathSegments(literal);
      const last = segments?.[segments.length - 1];
      if (!segments || !last) continue;
      const named = [...byFile.get(last) ?? [], ...segments.length > 1 ? byFolder.get(last) ?? [] : []];
      for (const path27 of named) {
        if (names(path27, segments)) keep(path27, { by: file, name: literal, how: "reads" });
      }
    }
  }
  return [...kept.values()].sort((a, b) => a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
}

// src/optimize/steps.ts
function emptyReport(settings, compiler, reason) {
  return {
    settings,
    compile: compiler ? { done: true, python: compiler.version, cacheTag: compiler.cacheTag, dependencies: 0, code: 0, failed: [] } : { done: false, reason },
    excluded: [],
    notInstalled: [],
    slimmed: [],
    stripped: { files: 0, bytes: 0 },
    removed: [],
    keptBack: [],
    fromCache: false
  };
}
var reasonWithoutCompiler = (settings) => settings.compile === "off" ? "compile: false" : "no Python of the runtime's version on this runner";
async function slimKeptBack(listing, settings, code, read) {
  const matched = planDependencies(listing, settings, false);
  const candidates = new Set([...matched.removed.values()].flat().map((f) => f.path));
  if (candidates.size === 0) return [];
  const excluded = new Set(matched.excluded.flatMap((e) => e.files));
  const codePaths = new Map(code.filter((f) => f.symlink === void 0).map((f) => [f.path, f.absolutePath]));
  const files = listing.files.filter((f) => f.symlink === void 0 && !excluded.has(f.path)).map((f) => f.path);
  return keptByImports({
    files: [.../* @__PURE__ */ new Set([...files, ...codePaths.keys()])],
    candidates,
    read: (file) => {
      const own = codePaths.get(file);
      return own ? readFile3(own, "utf8").catch(() => void 0) : read(file);
    }
  });
}
function fitCompiled(input, compiler, listing, compiled) {
  const sources = input.code.filter((f) => importable(f.path)).reduce((n, f) => n + f.size, 0);
  const code = input.code.reduce((n, f) => n + f.size, 0);
  const fit = fitBytecode(compiled.written, compiled.shipped + code + Math.ceil(sources * 1.5));
  const slimmable = input.settings.slim ? 0 : [...planDependencies(listing, { ...input.settings, slim: true }, false).removed.values()].flat().reduce((n, f) => n + f.bytes, 0);
  return {
    fit,
    compile: {
      done: true,
      python: compiler.version,
      cacheTag: compiler.cacheTag,
      dependencies: fit.kept.length,
      code: 0,
      failed: compiled.failed,
      ...fit.dropped.length > 0 ? { overLimit: overLimitMessage(fit, slimmable) } : {}
    }
  };
}

// src/optimize/members.ts
var MemberBytes = class {
  readers = /* @__PURE__ */ new Map();
  byPath = /* @__PURE__ */ new Map();
  constructor(members) {
    for (const m of members) if (m.name.startsWith(LAYER_PREFIX)) this.byPath.set(m.name.slice(LAYER_PREFIX.length), m);
  }
  /** sources, read once for slim's scan and again for compile: kept until the stage ends */
  sources = /* @__PURE__ */ new Map();
  async read(file) {
    const known = this.sources.get(file);
    if (known) return known;
    const data = await this.inflate(file);
    if (data && file.endsWith(".py")) this.sources.set(file, data);
    return data;
  }
  async inflate(file) {
    const m = this.byPath.get(file);
    if (!m) return void 0;
    if ("data" in m) return m.data;
    if ("absolutePath" in m) return readFile4(m.absolutePath);
    let reader = this.readers.get(m.from);
    if (!reader) {
      reader = new EntryReader(m.from);
      this.readers.set(m.from, reader);
    }
    try {
      return inflateEntry(m.entry, await reader.read(m.entry));
    } catch (error) {
      throw new UserError(`the wheel member ${file} is damaged: ${error.message}`, {
        hint: "the wheel on the index is damaged: check the index, and pin the lockfile's hashes for it"
      });
    }
  }
  async close() {
    for (const r of this.readers.values()) await r.close();
  }
};
async function optimizeMembers(input, wheels) {
  const { settings, compiler } = input;
  const { listing } = wheels;
  const bytes = new MemberBytes(wheels.members);
  try {
    const keptBack = settings.slim ? await slimKeptBack(listing, settings, input.code, async (f) => (await bytes.read(f))?.toString("utf8")) : [];
    const plan = planDependencies(listing, settings, compiler !== void 0, new Set(keptBack.map((k) => k.path)));
    const report = emptyReport(settings, compiler, reasonWithoutCompiler(settings));
    const notDownloaded = new Set(wheels.notDownloaded.map((d) => d.name));
    report.notInstalled = plan.notInstalled.filter((name) => !notDownloaded.has(name));
    report.excluded = [
      ...plan.excluded.map(({ name, version, bytes: bytes2 }) => ({ name, version, bytes: bytes2 })),
      ...wheels.notDownloaded.map(({ name, version }) => ({ name, version, bytes: 0, notDownloaded: true }))
    ].sort((a, b) => a.name.localeCompare(b.name));
    report.keptBack = keptBack;
    const removed = /* @__PURE__ */ new Set([
      ...plan.excluded.flatMap((e) => e.files),
      ...[...plan.removed.values()].flat().map((f) => f.path)
    ]);
    await checkKept(wheels, bytes, removed);
    const rewritten = /* @__PURE__ */ new Map();
    const scratch = path18.join(input.scratch, "optimized");
    const savings = await stripMembers(wheels, bytes, plan.strip, scratch, rewritten);
    Object.assign(report, slimFigures(plan.removed, savings));
    const added = [];
    if (compiler) {
      const shipped = listing.files.reduce((n, f) => n + (removed.has(f.path) ? 0 : f.size), 0);
      const compiled = await compileMembers(input, compiler, wheels, bytes, plan.compile, scratch, shipped);
      report.compile = compiled.compile;
      append(added, compiled.added);
    }
    const byDistribution = /* @__PURE__ */ new Map();
    for (const a of added) {
      const list = byDistribution.get(a.file.distribution ?? "") ?? [];
      list.push(a.record);
      byDistribution.set(a.file.distribution ?? "", list);
    }
    const changes = { removed, rewritten, added: byDistribution };
    const excluded = new Set(plan.excluded.map((e) => e.name));
    listing.distributions = listing.distributions.filter((d) => !excluded.has(d.name));
    await apply(wheels, removed, added, changes);
    return report;
  } finally {
    await bytes.close();
  }
}
async function checkKept(wheels, bytes, removed) {
  const kept = wheels.unchecked.filter((f) => !removed.has(f));
  if (kept.length === 0) return;
  const index = new Map(wheels.listing.files.map((f, i) => [f.path, i]));
  const rows = new Map(wheels.listing.distributions.flatMap((d) => d.record.map((r) => [r.path, r])));
  const members = new Map(wheels.members.map((m, i) => [m.name, i]));
  for (const file of kept) {
    const data = await bytes.read(file);
    const row = rows.get(file);
    if (!data || !row?.hash || row.hash !== recordHash(data) || row.size !== void 0 && row.size !== data.length) {
      throw new UserError(`the wheel member ${file} does not match the sha256 and size its RECORD gives`, {
        hint: "the wheel's RECORD contradicts its own contents (damaged or forged): check the index, and pin the lockfile's hashes for it"
      });
    }
    const i = index.get(file);
    const listed = wheels.listing.files[i];
    const mode = listed.executable ? MODE_EXECUTABLE : MODE_FILE;
    const want = wheels.keeps(file);
    wheels.scanned[i] = await wheels.scan(
      listed,
      mode,
      want.kind === "none" ? void 0 : want.kind === "head" ? data.subarray(0, want.limit) : data
    );
    const at = members.get(`${LAYER_PREFIX}${file}`);
    const member2 = wheels.members[at];
    if ("entry" in member2 && member2.entry.method === 0) {
      wheels.members[at] = { name: member2.name, data, executable: listed.executable };
    }
  }
}
async function stripMembers(wheels, bytes, files, scratch, rewritten) {
  const byPath = new Map(wheels.listing.files.map((f, i) => [f.path, i]));
  const savings = [];
  for (const file of files) {
    const original = await bytes.read(file);
    const result = original && stripElf(original);
    if (!result) continue;
    const absolutePath = path18.join(scratch, file);
    await mkdir9(path18.dirname(absolutePath), { recursive: true });
    await writeFile5(absolutePath, result.bytes);
    const i = byPath.get(file);
    const listed = wheels.listing.files[i];
    savings.push({ path: file, distribution: listed.distribution, saved: listed.size - result.bytes.length });
    listed.size = result.bytes.length;
    const name = `${LAYER_PREFIX}${file}`;
    const at = wheels.members.findIndex((m) => m.name === name);
    wheels.members[at] = { name, absolutePath, executable: listed.executable, size: result.bytes.length };
    rewritten.set(file, { hash: recordHash(result.bytes), size: result.bytes.length });
  }
  return savings;
}
async function compileMembers(input, compiler, wheels, bytes, sources, scratch, shipped) {
  const owners = new Map(wheels.listing.files.map((f) => [f.path, f.distribution]));
  const at = (dir, file) => path18.join(scratch, dir, file);
  const jobs = [];
  for (const source of sources) {
    const text = await bytes.read(source);
    if (!text) continue;
    await mkdir9(path18.dirname(at("sources", source)), { recursive: true });
    await writeFile5(at("sources", source), text);
    jobs.push({
      source: at("sources", source),
      pyc: at("bytecode", pycPath(source, compiler.cacheTag)),
      displayName: source
    });
  }
  const failed = new Set((await compileSources(compiler, jobs, input.scratch, input.env)).map((f) => f.path));
  const written = [];
  for (const job of jobs) {
    if (failed.has(job.displayName)) continue;
    const pyc = pycPath(job.displayName, compiler.cacheTag);
    written.push({ pyc, source: job.displayName, bytes: (await stat5(job.pyc)).size });
  }
  const { fit, compile } = fitCompiled(input, compiler, wheels.listing, { written, failed: [...failed], shipped });
  const added = [];
  for (const b of fit.kept) {
    const absolutePath = at("bytecode", b.pyc);
    const data = await readFile4(absolutePath);
    const distribution = owners.get(b.source);
    added.push({
      file: { path: b.pyc, size: b.bytes, executable: false, ...distribution ? { distribution } : {} },
      member: { name: `${LAYER_PREFIX}${b.pyc}`, absolutePath, executable: false, size: b.bytes },
      record: { path: b.pyc, hash: recordHash(data), size: b.bytes }
    });
  }
  return { compile, added };
}
async function apply(wheels, removed, added, changes) {
  const { listing } = wheels;
  const rows = listing.files.map((file, i) => ({ file, scanned: wheels.scanned[i] }));
  const kept = rows.filter((r) => !removed.has(r.file.path));
  for (const a of added) kept.push({ file: a.file, scanned: await wheels.scan(a.file, MODE_FILE, void 0) });
  const records = /* @__PURE__ */ new Map();
  for (const dist of listing.distributions) {
    if (!recordTouched(dist, changes)) continue;
    const file = `${dist.distInfo}/RECORD`;
    const member2 = wheels.members.find((m) => m.name === `${LAYER_PREFIX}${file}`);
    if (!member2 || !("data" in member2)) continue;
    const text = rewriteRecordText(member2.data.toString("utf8"), changes, dist.name);
    records.set(file, text);
    dist.record = parseRecord(text);
  }
  for (const r of kept) {
    const text = records.get(r.file.path);
    if (text === void 0) continue;
    r.file.size = Buffer.byteLength(text);
    r.scanned = await wheels.scan(r.file, MODE_FILE, void 0);
  }
  kept.sort((a, b) => a.file.path < b.file.path ? -1 : a.file.path > b.file.path ? 1 : 0);
  listing.files.length = 0;
  append(
    listing.files,
    kept.map((r) => r.file)
  );
  wheels.scanned.length = 0;
  append(
    wheels.scanned,
    kept.map((r) => r.scanned)
  );
  const members = wheels.members.filter((m) => !m.name.startsWith(LAYER_PREFIX) || !removed.has(m.name.slice(LAYER_PREFIX.length))).map((m) => {
    const text = records.get(m.name.slice(LAYER_PREFIX.length));
    return text === void 0 ? m : { name: m.name, data: Buffer.from(text), executable: false };
  });
  const shipped = members.concat(added.map((a) => a.member));
  wheels.members.length = 0;
  append(wheels.members, shipped);
}

// src/optimize/tree.ts
import { readFile as readFile5, stat as stat6 } from "node:fs/promises";
import path19 from "node:path";
async function optimizeTree(input, tree) {
  const { settings, compiler } = input;
  const where = new Map(tree.files.map((f) => [f.path, f.absolutePath]));
  const keptBack = settings.slim ? await slimKeptBack(tree, settings, input.code, (f) => readFile5(where.get(f), "utf8").catch(() => void 0)) : [];
  const plan = planDependencies(tree, settings, compiler !== void 0, new Set(keptBack.map((k) => k.path)));
  const report = emptyReport(settings, compiler, reasonWithoutCompiler(settings));
  report.notInstalled = plan.notInstalled;
  report.excluded = plan.excluded.map(({ name, version, bytes }) => ({ name, version, bytes }));
  report.keptBack = keptBack;
  const removed = [...plan.excluded.flatMap((e) => e.files), ...[...plan.removed.values()].flat().map((f) => f.path)];
  await removeFiles(tree, removed);
  const sizes = new Map(tree.files.map((f) => [f.path, f]));
  const stripped = await stripSharedObjects(tree, plan.strip);
  const savings = [...stripped].map(([file, size]) => {
    const f = sizes.get(file);
    return { path: file, distribution: f.distribution, saved: f.size - size };
  });
  Object.assign(report, slimFigures(plan.removed, savings));
  let added = /* @__PURE__ */ new Map();
  if (compiler) {
    const shipped = tree.files.reduce((n, f) => n + f.size, 0) - removed.reduce((n, f) => n + (sizes.get(f)?.size ?? 0), 0) - savings.reduce((n, s) => n + s.saved, 0);
    added = await compileTree(input, compiler, tree, plan, shipped, report);
  }
  await rewriteRecords(tree, { removed: new Set(removed), rewritten: new Set(stripped.keys()), added });
  const reread = await readTree(tree.root);
  tree.files = reread.files;
  tree.distributions = reread.distributions;
  return report;
}
async function compileTree(input, compiler, tree, plan, shipped, report) {
  const owners = new Map(tree.files.map((f) => [f.path, f.distribution]));
  const jobs = plan.compile.map((source) => ({
    source: path19.join(tree.root, source),
    pyc: path19.join(tree.root, pycPath(source, compiler.cacheTag)),
    displayName: source
  }));
  const failed = await compileSources(compiler, jobs, input.scratch, input.env);
  const failedPaths = new Set(failed.map((f) => f.path));
  const written = [];
  for (const source of plan.compile) {
    if (failedPaths.has(source)) continue;
    const pyc = pycPath(source, compiler.cacheTag);
    written.push({ pyc, source, bytes: (await stat6(path19.join(tree.root, pyc))).size });
  }
  const { fit, compile } = fitCompiled(input, compiler, tree, { written, failed: [...failedPaths], shipped });
  report.compile = compile;
  await removeFiles(
    tree,
    fit.dropped.map((b) => b.pyc)
  );
  const added = /* @__PURE__ */ new Map();
  for (const b of fit.kept) {
    const owner = owners.get(b.source);
    if (!owner) continue;
    const list = added.get(owner) ?? [];
    list.push(b.pyc);
    added.set(owner, list);
  }
  return added;
}

// src/optimize/index.ts
var REPORT_FILE = "optimize.json";
var MAX_REPORT_BYTES = 4 * 1024 * 1024;
var optimizing = (s) => s.compile !== "off" || s.slim || s.excludePackages.length > 0;
async function findCompiler(settings, target, requested, env, log) {
  if (settings.compile === "off") return void 0;
  const { python, tried } = await findRuntimePython(target.pythonMinor, requested, env);
  if (python) {
    log.info(`Bytecode: compiled by Python ${python.version} (${python.command}) for ${target.runtime}`);
    return python;
  }
  const message = `no Python ${target.pythonVersion} on this runner to compile bytecode for ${target.runtime}${tried.length > 0 ? ` (tried: ${tried.join("; ")})` : ""}`;
  const hint = setupPythonHint(target.pythonVersion);
  if (settings.compile === "required") throw new UserError(message, { hint: `${hint}, or set \`compile: auto\`` });
  log.annotate("notice", `${message}: building without bytecode (compile: auto).
  \u2192 ${hint}`);
  return void 0;
}
function adviseCompile(settings, target, built, env, log, measured) {
  if (settings.compile !== "off") return;
  const found = runtimePythonCandidates(target.pythonMinor, void 0, env)[0];
  if (!found) return;
  const sources = built.files.filter((f) => importable(f.path)).reduce((n, f) => n + f.size, 0);
  if (!bytecodeWouldFit(built.unzipped, sources)) return;
  const advice = `\`compile: auto\` would ship bytecode for ${target.runtime}, so cold starts skip compiling every imported module`;
  if (measured) {
    const figure = (s) => `${s.medianMs} ms (${s.minMs}\u2013${s.maxMs} ms over ${s.runs} runs)`;
    log.info(
      `Bytecode: off (compile: false). Measured on this runner, the handler's import took ${figure(measured.without)} without bytecode and ${figure(measured.with)} with it: ${advice}`
    );
    return;
  }
  log.info(
    `Bytecode: off (compile: false). A Python ${target.pythonVersion} is on this runner (${found}): ${advice} (in bench/optimize.ts the cold import took 0.12\u20130.14\xD7 as long as without bytecode; see the README's "Smaller and faster to start")`
  );
}
var OPTIMIZE_RULES = 2;
function optimizeKey(settings, compiler) {
  if (!optimizing(settings)) return void 0;
  return {
    // what slim and compile make of the same tree: 2 keeps back what shipped code imports and
    // keeps bytecode under the limit; an entry made by the earlier rules is never restored
    rules: OPTIMIZE_RULES,
    bytecode: compiler ? { magic: compiler.magic, cacheTag: compiler.cacheTag, mode: "unchecked-hash" } : "none",
    slim: settings.slim,
    slimKeep: settings.slimKeep,
    exclude: [...settings.excludePackages].sort()
  };
}
async function optimize(input) {
  const { settings, compiler, tree, wheels, log } = input;
  const fromCache = tree === void 0 && wheels === void 0;
  const entryReport = path20.join(input.entryDir, REPORT_FILE);
  const report = tree ? await optimizeTree(input, tree) : wheels ? await optimizeMembers(input, wheels) : await readReport(entryReport) ?? emptyReport(settings, compiler, "the cache entry has no record of it");
  report.fromCache = fromCache;
  if (!fromCache) await writeFile6(entryReport, JSON.stringify(report));
  const code = await compileCode(input);
  if (report.compile.done) report.compile.code = code.length - input.code.length;
  for (const e of report.excluded) {
    const saved = e.notDownloaded ? "not downloaded" : `${e.bytes} bytes`;
    log.info(`Left out ${e.name} ${e.version} (exclude-packages): ${saved}; the runtime's own version is used`);
  }
  for (const name of report.notInstalled) {
    log.annotate("warning", `exclude-packages names ${name}, which is not among the installed distributions`);
  }
  if (settings.slim) logSlim(report, log);
  if (report.compile.done && report.compile.overLimit) log.annotate("warning", report.compile.overLimit);
  if (report.compile.done && report.compile.failed.length > 0) {
    log.annotate(
      "warning",
      `${report.compile.failed.length} file(s) did not compile for Python ${report.compile.python} and ship without bytecode: ${report.compile.failed.slice(0, 5).join(", ")}`
    );
  }
  return { code, report };
}
var KEPT_BACK_LOGGED = 20;
function logSlim(report, log) {
  const files = report.slimmed.reduce((n, s) => n + s.files, 0);
  const bytes = report.slimmed.reduce((n, s) => n + s.bytes, 0);
  const { stripped } = report;
  log.info(
    `Slim: ${files} files removed (${bytes} bytes), ${stripped.files} shared objects stripped (${stripped.bytes} bytes saved); ${bytes + stripped.bytes} bytes saved in all${report.fromCache ? ", in the cached tree" : ""}`
  );
  const kept = report.keptBack ?? [];
  if (kept.length === 0) return;
  const lines = kept.slice(0, KEPT_BACK_LOGGED).map((k) => `  ${k.path}: ${k.by}${k.line ? `:${k.line}` : ""} ${k.how} ${JSON.stringify(k.name)}`);
  const more = kept.length > KEPT_BACK_LOGGED ? `
  and ${kept.length - KEPT_BACK_LOGGED} more (listed in the job summary)` : "";
  log.info(
    `Slim kept back ${kept.length} file(s) its patterns match, because shipped code imports or reads them:
${lines.join("\n")}${more}`
  );
}
async function readReport(file) {
  try {
    if ((await stat7(file)).size > MAX_REPORT_BYTES) return void 0;
    const parsed = JSON.parse(await readFile6(file, "utf8"));
    return parsed && typeof parsed === "object" && Array.isArray(parsed.slimmed) ? parsed : void 0;
  } catch {
    return void 0;
  }
}
async function compileCode(input) {
  const { compiler, code } = input;
  const sources = planCode(code, compiler !== void 0);
  if (!compiler || sources.length === 0) return code;
  const out = path20.join(input.scratch, "code-bytecode");
  await mkdir10(out, { recursive: true });
  const jobs = sources.map((f) => ({
    source: f.absolutePath,
    pyc: path20.join(out, pycPath(f.path, compiler.cacheTag)),
    displayName: f.path
  }));
  const failed = new Set((await compileSources(compiler, jobs, input.scratch, input.env)).map((f) => f.path));
  if (failed.size > 0) {
    input.log.annotate(
      "warning",
      `the function code has files Python ${compiler.version} cannot compile (they would fail at import): ${[...failed].slice(0, 5).join(", ")}`
    );
  }
  const pycs = [];
  for (const f of sources) {
    if (failed.has(f.path)) continue;
    const rel = pycPath(f.path, compiler.cacheTag);
    const absolutePath = path20.join(out, rel);
    pycs.push({ path: rel, absolutePath, size: (await stat7(absolutePath)).size, executable: false });
  }
  return [...code, ...pycs].sort((a, b) => a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
}

// src/source/collect.ts
var import_picomatch2 = __toESM(require_picomatch2(), 1);
import { existsSync as existsSync6, statSync as statSync3 } from "node:fs";
import { realpath, stat as stat8 } from "node:fs/promises";
import path22 from "node:path";

// src/source/walk.ts
import { lstatSync, readdirSync as readdirSync3, readlinkSync, statSync as statSync2 } from "node:fs";
import path21 from "node:path";
var UTF8 = new TextDecoder("utf-8", { fatal: true });
function escapeName(bytes) {
  let out = "";
  for (const b of bytes)
    out += b >= 32 && b < 127 && b !== 92 ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, "0")}`;
  return out;
}
function decodeName(raw) {
  try {
    return UTF8.decode(raw);
  } catch {
    return void 0;
  }
}
function kindOf(entry) {
  if (entry.isFIFO()) return "a FIFO (named pipe)";
  if (entry.isSocket()) return "a socket";
  if (entry.isCharacterDevice()) return "a character device";
  if (entry.isBlockDevice()) return "a block device";
  return "not a regular file";
}
function walkSource(workingDirectory, options) {
  const found = /* @__PURE__ */ new Map();
  const visit = (rel, abs2, entry) => {
    let st = entry;
    try {
      st ??= lstatSync(abs2, { throwIfNoEntry: false });
    } catch {
      return;
    }
    if (!st) return;
    if (st.isDirectory()) {
      if (rel !== "" && options.pruneDir(rel)) return;
      walkDir(rel, abs2);
    } else if (st.isSymbolicLink()) {
      found.set(rel, linkFile(rel, abs2));
    } else if (st.isFile()) {
      const info = lstatSync(abs2);
      found.set(rel, { path: rel, absolutePath: abs2, size: info.size, executable: (info.mode & 73) !== 0 });
    } else {
      found.set(rel, { path: rel, absolutePath: abs2, size: 0, executable: false, special: kindOf(st) });
    }
  };
  const walkDir = (rel, abs2) => {
    for (const entry of readdirSync3(abs2, { withFileTypes: true, encoding: "buffer" })) {
      const raw = entry.name;
      const name = decodeName(raw);
      if (name === void 0) {
        const shown2 = rel === "" ? escapeName(raw) : `${rel}/${escapeName(raw)}`;
        if (entry.isDirectory() && options.pruneDir(shown2)) continue;
        found.set(shown2, { path: shown2, absolutePath: abs2, size: 0, executable: false, badName: true });
        continue;
      }
      visit(rel === "" ? name : `${rel}/${name}`, path21.join(abs2, name), entry);
    }
  };
  for (const root of new Set(options.roots)) {
    visit(root, root === "" ? workingDirectory : path21.join(workingDirectory, root), void 0);
  }
  return [...found.values()].sort((a, b) => a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
}
function linkFile(rel, abs2) {
  let target;
  try {
    target = statSync2(abs2, { throwIfNoEntry: false });
  } catch {
    target = void 0;
  }
  const file = target?.isFile() ? target : void 0;
  return {
    path: rel,
    absolutePath: abs2,
    size: file?.size ?? 0,
    executable: file ? (Number(file.mode) & 73) !== 0 : false,
    symlink: readlinkSync(abs2)
  };
}
function refuseUnshippable(files) {
  const errors = [];
  for (const f of files) {
    if (f.badName) {
      errors.push(
        new UserError(
          `the file name ${f.path} is not UTF-8 (bytes shown as \\xNN): a zip for Lambda names its files in UTF-8`,
          {
            where: { file: f.path },
            hint: "rename the file (or folder) to a UTF-8 name, or leave its folder out with `exclude`"
          }
        )
      );
    } else if (f.special) {
      errors.push(
        new UserError(`${f.path} is ${f.special}, not a regular file: a zip can only hold files`, {
          where: { file: f.path },
          hint: "remove it from the project, or leave it out with `exclude`"
        })
      );
    }
  }
  throwAll(errors);
}

// src/source/collect.ts
var NEVER = [
  "**/__pycache__",
  "**/__pycache__/**",
  "**/*.pyc",
  "**/*.pyo",
  ".git/**",
  ".hg/**",
  ".svn/**",
  ".lambda-python-package/**"
];
var DEFAULT_EXCLUDES = [
  // lockfiles and project metadata
  "requirements*.txt",
  "requirements*.in",
  "uv.lock",
  "poetry.lock",
  "Pipfile",
  "Pipfile.lock",
  "pylock.toml",
  "pylock.*.toml",
  "pyproject.toml",
  // hidden files and folders: .venv, .github, .env, .pytest_cache, .mypy_cache, ...
  "**/.*",
  "**/.*/**",
  // virtualenvs without a dot, tool caches, build output
  "venv/**",
  "env/**",
  "node_modules/**",
  "**/*.egg-info/**",
  "build/**",
  "dist/**",
  // tests
  "test/**",
  "tests/**",
  "**/test_*.py",
  "**/*_test.py",
  "**/conftest.py"
];
var OUTPUT_FILES = /\.zip$/;
var OWN_FOLDER_HINT = "give the zips a folder of their own: leave `output-dir` unset, or use a folder that holds no code (e.g. `output-dir: .lambda-python-package`, or one outside `working-directory`)";
async function collectSource(options) {
  const { workingDirectory } = options;
  const outputRel = path22.relative(workingDirectory, options.outputDir).split(path22.sep).join("/");
  if (outputRel === "") {
    throw new UserError(
      `output-dir is the working directory itself (${workingDirectory}): function.zip and layer.zip would be written among the function code, and the next build would ship them inside the new zip`,
      { hint: OWN_FOLDER_HINT }
    );
  }
  const outputInside = !outputRel.startsWith("..") && !path22.isAbsolute(outputRel);
  const inOutput = (rel) => outputInside && (rel === outputRel || rel.startsWith(`${outputRel}/`));
  const never = (0, import_picomatch2.default)(NEVER, { dot: true });
  const defaultExcluded = (0, import_picomatch2.default)(DEFAULT_EXCLUDES, { dot: true });
  const userExcluded = options.exclude.length > 0 ? (0, import_picomatch2.default)(options.exclude, { dot: true }) : () => false;
  const neverDir = (0, import_picomatch2.default)(folderPatterns(NEVER), { dot: true });
  const defaultDir = (0, import_picomatch2.default)(folderPatterns(DEFAULT_EXCLUDES), { dot: true });
  const useDefault = options.source.length === 0;
  const pruneDir = (rel) => {
    if (neverDir(rel) || userExcluded(rel) || useDefault && defaultDir(rel)) return true;
    return existsSync6(path22.join(workingDirectory, rel, "pyvenv.cfg"));
  };
  const roots = useDefault ? [""] : options.source.map((p) => sourceRoot(p, workingDirectory));
  const all = walkSource(workingDirectory, { roots, pruneDir }).filter((f) => !never(f.path));
  let selected;
  if (options.source.length === 0) {
    selected = all.filter((f) => !defaultExcluded(f.path));
  } else {
    const chosen = /* @__PURE__ */ new Set();
    for (const pattern of options.source) {
      const matched = matchSource(pattern, workingDirectory, all);
      if (matched.length === 0) {
        throw new UserError(`source "${pattern}" matches no file in ${workingDirectory}`, {
          hint: "source lines are files, folders or globs relative to `working-directory`"
        });
      }
      for (const f of matched) chosen.add(f);
    }
    selected = all.filter((f) => chosen.has(f));
  }
  if (options.exclude.length > 0) {
    selected = selected.filter(
      (f) => !userExcluded(f.path) && !f.path.split("/").some((_, i, parts) => userExcluded(parts.slice(0, i + 1).join("/")))
    );
  }
  const stranded = selected.filter((f) => inOutput(f.path) && !OUTPUT_FILES.test(path22.posix.basename(f.path)));
  if (stranded.length > 0) {
    const shown2 = stranded.slice(0, 5).map((f) => f.path);
    throw new UserError(
      `output-dir ${outputRel} holds files of the function code (${shown2.join(", ")}${stranded.length > 5 ? ` and ${stranded.length - 5} more` : ""}): the output folder is left out of the code, so they would be missing from the zip`,
      { hint: OWN_FOLDER_HINT }
    );
  }
  selected = selected.filter((f) => !inOutput(f.path));
  refuseUnshippable(selected);
  await checkSymlinks(selected, workingDirectory);
  return selected.map(({ special: _s, badName: _b, ...file }) => file);
}
async function checkSymlinks(files, workingDirectory) {
  const links = files.filter((f) => f.symlink !== void 0);
  if (links.length === 0) return;
  const root = await realpath(workingDirectory).catch(() => workingDirectory);
  const shipped = new Set(
    files.filter((f) => f.symlink === void 0).map((f) => path22.relative(workingDirectory, f.absolutePath))
  );
  const errors = [];
  for (const f of links) {
    const problem = await linkProblem(f, root, shipped);
    if (problem) errors.push(new UserError(problem.message, { where: { file: f.path }, hint: problem.hint }));
  }
  throwAll(errors);
}
var NEVER_TARGET = (0, import_picomatch2.default)([...NEVER, ...DEFAULT_EXCLUDES], { dot: true });
async function linkProblem(f, root, shipped) {
  const link = `${f.path} is a symbolic link to ${f.symlink}`;
  const failure = await realpath(f.absolutePath).then(
    () => void 0,
    (error) => error.code ?? "unknown"
  );
  if (failure === "ELOOP") {
    return {
      message: `${link}, which loops back on itself`,
      hint: "point the link at a real file, or remove it (or leave it out with `exclude`)"
    };
  }
  if (failure !== void 0) {
    return {
      message: `${link}, which does not exist`,
      hint: "create the file it points to, or remove the link (or leave it out with `exclude`)"
    };
  }
  const target = await realpath(f.absolutePath);
  if (target !== root && !target.startsWith(`${root}${path22.sep}`)) {
    return {
      message: `${link}, outside the working directory (${target})`,
      hint: "copy the file into the project, or leave the link out with `exclude`: only files inside `working-directory` are shipped"
    };
  }
  const info = await stat8(target);
  if (info.isDirectory()) {
    return {
      message: `${f.path} is a symbolic link to the folder ${f.symlink}: links to folders are not followed`,
      hint: "list the real folder in `source` (or move the code there), or leave the link out with `exclude`"
    };
  }
  if (!info.isFile()) {
    return {
      message: `${link}, which is not a regular file (a FIFO, socket or device): a zip can only hold files`,
      hint: "point the link at a regular file, or leave it out with `exclude`"
    };
  }
  const rel = path22.relative(root, target).split(path22.sep).join("/");
  const inVenv = rel.split("/").some((_, i, parts) => i > 0 && existsSync6(path22.join(root, parts.slice(0, i).join("/"), "pyvenv.cfg")));
  if ((NEVER_TARGET(rel) || inVenv) && !shipped.has(path22.relative(root, target))) {
    return {
      message: `${link}, a file that is never shipped (hidden files such as .env or .git/config, lockfiles, virtualenvs, tests): the link would ship its content`,
      hint: "link to a file that is part of the code, or copy what the function needs into one; or leave the link out with `exclude`"
    };
  }
  return void 0;
}
function folderPatterns(patterns) {
  return patterns.filter((p) => p.endsWith("/**")).map((p) => p.slice(0, -3));
}
function relativeSource(pattern, workingDirectory) {
  const clean = pattern.replace(/^\.\//, "").replace(/\/+$/, "");
  const abs2 = path22.resolve(workingDirectory, clean === "" ? "." : clean);
  const rel = path22.relative(workingDirectory, abs2).split(path22.sep).join("/");
  if (rel.startsWith("..") || path22.isAbsolute(rel)) {
    throw new UserError(`source "${pattern}" lies outside the working directory ${workingDirectory}`, {
      hint: "set `working-directory` to a folder that holds all of the function code"
    });
  }
  return { clean, abs: abs2, rel };
}
function sourceRoot(pattern, workingDirectory) {
  const { clean, abs: abs2, rel } = relativeSource(pattern, workingDirectory);
  if (clean === "" || clean === "." || existsSync6(abs2)) return rel;
  return relativeSource(import_picomatch2.default.scan(clean).base, workingDirectory).rel;
}
function matchSource(pattern, workingDirectory, all) {
  const { clean, abs: abs2, rel } = relativeSource(pattern, workingDirectory);
  if (clean === "" || clean === ".") return all;
  if (existsSync6(abs2) && statSync3(abs2).isDirectory()) return all.filter((f) => f.path.startsWith(`${rel}/`));
  if (existsSync6(abs2)) return all.filter((f) => f.path === rel);
  const isMatch = (0, import_picomatch2.default)(clean, { dot: true });
  return all.filter((f) => isMatch(f.path));
}

// src/source/firstparty.ts
var import_picomatch3 = __toESM(require_picomatch2(), 1);
import { existsSync as existsSync7, statSync as statSync4 } from "node:fs";
import path23 from "node:path";
var MEMBER_EXCLUDES = [...DEFAULT_EXCLUDES, "setup.py", "setup.cfg", "README*", "LICENSE*", "CHANGELOG*", "*.md"];
async function collectFirstParty(lock, workingDirectory) {
  const excluded = (0, import_picomatch3.default)(MEMBER_EXCLUDES, { dot: true });
  const members = [];
  for (const member2 of lock.firstParty) {
    const dir = path23.resolve(workingDirectory, member2.path);
    const src = path23.join(dir, "src");
    const srcLayout = existsSync7(src) && statSync4(src).isDirectory();
    if (member2.path === "." && !srcLayout) continue;
    const root = srcLayout ? src : dir;
    const walked = walkSource(root, {
      roots: [""],
      pruneDir: (rel) => excluded(rel) || rel === "__pycache__" || rel.endsWith("/__pycache__")
    }).filter((f) => !excluded(f.path) && !f.path.endsWith(".pyc"));
    refuseUnshippable(walked);
    await checkSymlinks(walked, workingDirectory);
    members.push({ name: member2.name, files: walked.map(({ special: _s, badName: _b, ...f }) => f) });
  }
  return members;
}

// src/source/function-code.ts
async function functionCode(inputs, lock, log) {
  const members = await collectFirstParty(lock, inputs.workingDirectory);
  const shipped = new Set(members.map((m) => m.name));
  const defaultExcludes = lock.firstParty.filter((m) => shipped.has(m.name)).map((m) => `${m.path === "." ? "src" : m.path.replace(/^\.\/|\/+$/g, "")}/**`);
  const code = await collectSource({
    workingDirectory: inputs.workingDirectory,
    source: inputs.source,
    exclude: inputs.source.length === 0 ? [...inputs.exclude, ...defaultExcludes] : inputs.exclude,
    outputDir: inputs.outputDir
  });
  const byPath = new Map(code.map((f) => [f.path, f]));
  for (const member2 of members) {
    log.info(`First-party ${member2.name}: ${member2.files.length} files shipped as source`);
    for (const f of member2.files) if (!byPath.has(f.path)) byPath.set(f.path, f);
  }
  return [...byPath.values()].sort((a, b) => a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
}

// src/verify/coldstart.ts
function runStats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  const round = (n) => Math.round(n * 10) / 10;
  return { medianMs: round(median), minMs: round(sorted[0]), maxMs: round(sorted.at(-1)), runs: sorted.length };
}
var spreadOf = (s) => Math.round((s.maxMs - s.minMs) * 10) / 10;
var IMPORT_TIME = /^import time:\s+(\d+) \|\s+(\d+) \| ( *)(\S+)\s*$/;
function parseImportTime(stderr, marker) {
  const start = stderr.lastIndexOf(marker);
  const text = start < 0 ? stderr : stderr.slice(start + marker.length);
  const modules = [];
  for (const line of text.split("\n")) {
    const m = IMPORT_TIME.exec(line);
    if (!m) continue;
    modules.push({
      name: m[4],
      selfUs: Number(m[1]),
      cumulativeUs: Number(m[2]),
      depth: m[3].length / 2
    });
  }
  return modules;
}
var topOf = (module) => module.split(".")[0];
function packageTimes(modules) {
  const times = /* @__PURE__ */ new Map();
  const parents = [];
  for (let i = modules.length - 1; i >= 0; i--) {
    const m = modules[i];
    parents.length = m.depth;
    const top = topOf(m.name);
    const parent = m.depth > 0 ? parents[m.depth - 1] : void 0;
    const entry = times.get(top) ?? { cumulativeUs: 0, selfUs: 0, modules: 0 };
    if (parent === void 0 || topOf(parent) !== top) entry.cumulativeUs += m.cumulativeUs;
    entry.selfUs += m.selfUs;
    entry.modules += 1;
    times.set(top, entry);
    parents[m.depth] = m.name;
  }
  return times;
}
function ownersOf2(files, distributions) {
  const versions = new Map(distributions.map((d) => [d.name, d.version]));
  const owners = /* @__PURE__ */ new Map();
  for (const f of files) {
    if (!f.distribution) continue;
    const first = f.path.split("/")[0];
    const name = f.path.includes("/") ? first : first.split(".")[0];
    if (!name || name.endsWith("-info") || owners.has(name)) continue;
    owners.set(name, { name: f.distribution, version: versions.get(f.distribution) ?? "" });
  }
  return owners;
}
var HEAVIEST_KEPT = 25;
function heaviestPackages(modules, handlerModule, foundIn, owners) {
  const root = topOf(handlerModule);
  const ms = (us) => Math.round(us / 100) / 10;
  return [...packageTimes(modules)].filter(([name]) => name !== root).map(([name, t]) => {
    const where = foundIn[name] ?? "python";
    const owner = owners.get(name);
    const origin2 = where === "python" ? { kind: "python" } : owner ? { kind: "distribution", ...owner } : { kind: "code" };
    return { name, origin: origin2, cumulativeMs: ms(t.cumulativeUs), selfMs: ms(t.selfUs), modules: t.modules };
  }).sort((a, b) => b.cumulativeMs - a.cumulativeMs || a.name.localeCompare(b.name)).slice(0, HEAVIEST_KEPT);
}

// src/verify/imports.ts
var MARK = "@@lambda-python-package@@";
var LAMBDA_SYS_PATH = `sys.path[:0] = [task, opt + "/python/lib/python" + minor + "/site-packages", opt + "/python"]`;
var IMPORT_SCRIPT = `
import sys, json, importlib, traceback
task, opt, minor, module, name = sys.argv[1:6]
${LAMBDA_SYS_PATH}
# the result line is written last and kept whole: runBounded keeps the last megabyte
MESSAGE = 65536
def where(tb):
    for frame in reversed(traceback.extract_tb(tb)):
        if frame.filename.startswith((task + "/", opt + "/")):
            return frame.filename, frame.lineno
    return None, None
try:
    m = importlib.import_module(module)
    out = {"ok": callable(getattr(m, name, None)), "notCallable": not callable(getattr(m, name, None))}
except SyntaxError as e:
    out = {"ok": False, "errorType": type(e).__name__, "message": str(e.msg)[:MESSAGE], "file": e.filename, "line": e.lineno}
except BaseException as e:
    f, l = where(e.__traceback__)
    out = {"ok": False, "errorType": type(e).__name__, "message": str(e)[:MESSAGE], "file": f, "line": l,
           "missing": getattr(e, "name", None) if isinstance(e, ImportError) else None}
sys.stdout.write("\\n${MARK}" + json.dumps(out) + "\\n")
`;
async function importHandler(layout, options) {
  const { task, opt } = layout;
  const result = await runBounded(
    options.python,
    ["-S", "-I", "-B", "-c", IMPORT_SCRIPT, task, opt, options.pythonVersion, options.module, options.name],
    lambdaProcess(layout, options)
  );
  const marked = result.stdout.lastIndexOf(MARK);
  if (marked < 0) {
    const timedOut = result.code === null;
    return {
      ok: false,
      errorType: timedOut ? "Timeout" : "Crash",
      message: timedOut ? `the import did not finish in ${options.timeoutMs / 1e3} s` : `Python exited with code ${result.code}: ${result.stderr.trim().split("\n").slice(-3).join(" ")}`
    };
  }
  const outcome = JSON.parse(result.stdout.slice(marked + MARK.length).trim());
  const relative = outcome.file ? outcome.file.startsWith(`${task}/`) ? outcome.file.slice(task.length + 1) : outcome.file.startsWith(`${opt}/`) ? outcome.file.slice(opt.length + 1) : void 0 : void 0;
  return {
    ok: outcome.ok,
    errorType: outcome.errorType,
    message: outcome.message,
    missing: outcome.missing ?? void 0,
    file: relative,
    line: outcome.line ?? void 0,
    notCallable: outcome.notCallable
  };
}
function lambdaProcess(layout, options) {
  return {
    env: { PATH: options.path, HOME: layout.root, LANG: "C.UTF-8" },
    cwd: layout.task,
    timeoutMs: options.timeoutMs
  };
}

// src/verify/layout.ts
import { chmod, mkdir as mkdir11, mkdtemp, readdir as readdir3, rm as rm8, writeFile as writeFile7 } from "node:fs/promises";
import path24 from "node:path";
async function withLambdaLayout(zips, fn) {
  const root = await mkdtemp(path24.join(zips.scratch, "import-"));
  const layout = { root, task: path24.join(root, "task"), opt: path24.join(root, "opt"), work: path24.join(root, "work") };
  try {
    await mkdir11(layout.task);
    await mkdir11(layout.opt);
    await mkdir11(layout.work);
    if (zips.functionZip) await unzipInto(zips.functionZip, layout.task);
    if (zips.layerZip) await unzipInto(zips.layerZip, layout.opt);
    await readOnly(layout.task, true);
    await readOnly(layout.opt, true);
    await chmod(root, 365);
    return await fn(layout);
  } finally {
    await chmod(root, 493).catch(() => void 0);
    for (const dir of [layout.task, layout.opt]) await readOnly(dir, false).catch(() => void 0);
    await rm8(root, { recursive: true, force: true });
  }
}
async function unzipInto(zip, into) {
  const directory = await readZipDirectory(zip);
  const reader = new EntryReader(directory);
  try {
    await unzipEntries(zip, directory.entries, reader, into);
  } finally {
    await reader.close();
  }
}
async function unzipEntries(zip, entries, reader, into) {
  for (const entry of entries) {
    const target = path24.resolve(into, entry.name);
    if (!target.startsWith(`${into}${path24.sep}`)) throw new Error(`${zip}: entry ${entry.name} leaves the folder`);
    if (entry.name.endsWith("/")) {
      await mkdir11(target, { recursive: true });
      continue;
    }
    const stored = await reader.read(entry);
    const data = inflateEntry(entry, stored);
    await mkdir11(path24.dirname(target), { recursive: true });
    await writeFile7(target, data, { mode: 420 });
  }
}
async function readOnly(dir, on) {
  if (!on) await chmod(dir, 493);
  for (const entry of await readdir3(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) await readOnly(path24.join(dir, entry.name), on);
  }
  if (on) await chmod(dir, 365);
}

// src/verify/measure.ts
import path25 from "node:path";
var MEASURE_SCRIPT = `
import sys, os, json, time, importlib
task, opt, minor, module = sys.argv[1:5]
${LAMBDA_SYS_PATH}
before = set(sys.modules)
sys.stderr.write("\\n${MARK}\\n")
sys.stderr.flush()
start = time.perf_counter_ns()
importlib.import_module(module)
out = {"ms": (time.perf_counter_ns() - start) / 1e6}
new = [n for n in list(sys.modules) if n not in before]
out["modules"] = len(new)
if "--where" in sys.argv:
    roots, found, from_zips, with_bytecode = (task + "/", opt + "/"), {}, 0, 0
    for n in new:
        spec = getattr(sys.modules.get(n), "__spec__", None)
        origin = getattr(spec, "origin", None) or ""
        places = [origin] + list(getattr(spec, "submodule_search_locations", None) or [])
        here = next((p for p in places if p.startswith(roots)), "")
        if "." not in n:
            found[n] = "task" if here.startswith(task + "/") else "opt" if here else "python"
        if origin.startswith(roots) and origin.endswith((".py", ".pyc")):
            from_zips += 1
            cached = origin if origin.endswith(".pyc") else getattr(spec, "cached", None)
            with_bytecode += bool(cached and os.path.exists(cached))
    out.update(found=found, fromZips=from_zips, withBytecode=with_bytecode)
sys.stdout.write("\\n${MARK}" + json.dumps(out) + "\\n")
`;
var MIN_RUNS = 3;
var RUNS = 5;
var TIME_BOUND_MS = 2e4;
var RunFailed = class extends Error {
};
async function runOnce(layout, o, flags, extra = []) {
  const result = await runBounded(
    o.python,
    ["-S", "-I", ...flags, "-c", MEASURE_SCRIPT, layout.task, layout.opt, o.pythonMinor, o.module, ...extra],
    lambdaProcess(layout, o)
  );
  const marked = result.stdout.lastIndexOf(MARK);
  if (marked < 0) {
    const why = result.code === null ? `it did not finish in ${o.timeoutMs / 1e3} s` : `Python exited with code ${result.code}: ${result.stderr.trim().split("\n").slice(-2).join(" ")}`;
    throw new RunFailed(`a measuring run failed (${why})`);
  }
  return { output: JSON.parse(result.stdout.slice(marked + MARK.length).trim()), stderr: result.stderr };
}
var pycachePrefix = (layout) => ["-X", `pycache_prefix=${path25.join(layout.work, "pycache")}`];
function writeBytecode(layout, o) {
  const run = runOnce(layout, o, pycachePrefix(layout));
  run.catch(() => void 0);
  return run;
}
async function measureImport(layout, o, bytecodeWritten) {
  try {
    return { measured: await measure(layout, o, bytecodeWritten) };
  } catch (error) {
    if (error instanceof RunFailed) return { skipped: error.message };
    return { skipped: `the measurement failed (${error?.message ?? String(error)})` };
  }
}
async function measure(layout, o, bytecodeWritten) {
  if (o.withBytecode) await (bytecodeWritten ?? writeBytecode(layout, o));
  const listing = await runOnce(layout, o, ["-B", "-X", "importtime"], ["--where"]);
  const prefix = pycachePrefix(layout);
  const shipped = [];
  const compiled = [];
  const started = performance.now();
  while (shipped.length < RUNS && (shipped.length < MIN_RUNS || performance.now() - started < TIME_BOUND_MS)) {
    shipped.push((await runOnce(layout, o, ["-B"])).output.ms);
    if (o.withBytecode && compiled.length < MIN_RUNS)
      compiled.push((await runOnce(layout, o, ["-B", ...prefix])).output.ms);
  }
  const { output } = listing;
  return {
    python: o.pythonVersion,
    module: o.module,
    import: runStats(shipped),
    modules: output.modules,
    bytecode: { fromZips: output.fromZips ?? 0, withBytecode: output.withBytecode ?? 0 },
    withBytecode: o.withBytecode ? runStats(compiled) : void 0,
    packages: heaviestPackages(parseImportTime(listing.stderr, MARK), o.module, output.found ?? {}, o.owners)
  };
}

// src/verify/missing.ts
var DISTRIBUTION_OF = {
  yaml: "PyYAML",
  PIL: "Pillow",
  cv2: "opencv-python-headless",
  sklearn: "scikit-learn",
  bs4: "beautifulsoup4",
  dateutil: "python-dateutil",
  jwt: "PyJWT",
  dotenv: "python-dotenv",
  Crypto: "pycryptodome",
  MySQLdb: "mysqlclient",
  psycopg2: "psycopg2-binary",
  attr: "attrs",
  magic: "python-magic",
  google: "the google-* distribution of the submodule",
  pkg_resources: "setuptools",
  multipart: "python-multipart",
  docx: "python-docx",
  jose: "python-jose",
  ldap: "python-ldap",
  serial: "pyserial",
  usb: "pyusb",
  zmq: "pyzmq",
  lxml: "lxml"
};
var RUNTIME_PROVIDED = /* @__PURE__ */ new Set(["boto3", "botocore", "s3transfer", "jmespath", "awslambdaric"]);
function slimCause(outcome, removed) {
  if (removed.length === 0) return void 0;
  if (outcome.errorType === "ModuleNotFoundError" && outcome.missing) {
    const base = outcome.missing.replace(/\./g, "/");
    return removed.find(
      (p) => p === `${base}.py` || p.startsWith(`${base}/`) || p.startsWith(`${base}.`) && p.endsWith(".so")
    );
  }
  const message = outcome.message ?? "";
  return removed.find((p) => message.includes(`/${p}'`) || message.includes(`/${p}"`));
}
function importFailure(ref, outcome, slimRemoved = []) {
  const where = { file: outcome.file, line: outcome.line };
  const removed = slimCause(outcome, slimRemoved);
  if (removed) {
    const needed = outcome.missing ? `no module named ${outcome.missing}` : `${outcome.errorType}: ${outcome.message}`;
    const by = outcome.file ? `, needed by ${outcome.file}${outcome.line ? `:${outcome.line}` : ""}` : "";
    return {
      runtimeProvided: false,
      error: new UserError(`handler ${ref.handler} cannot import in Lambda: slim removed ${removed}${by} (${needed})`, {
        where,
        hint: `keep it with the line \`${slimKeepLine(removed)}\` in \`slim-keep\` (slim keeps what shipped code names in an import or a literal; this name is made at run time), or set \`slim: false\`; nothing was deployed`
      })
    };
  }
  if (outcome.notCallable) {
    return {
      runtimeProvided: false,
      error: new UserError(
        `handler ${ref.handler}: module ${ref.module} imports, but ${ref.function} is not a callable in it`,
        {
          hint: "fix the function name in `handler`"
        }
      )
    };
  }
  const top = outcome.missing?.split(".")[0];
  if (outcome.errorType === "ModuleNotFoundError" && top) {
    if (RUNTIME_PROVIDED.has(top)) {
      return {
        runtimeProvided: true,
        error: new UserError(
          `handler ${ref.handler}: the import check stopped at ${top}, which the Lambda runtime provides; the rest of the import was not checked`
        )
      };
    }
    const distribution = DISTRIBUTION_OF[top] ?? top;
    return {
      runtimeProvided: false,
      error: new UserError(
        `handler ${ref.handler} cannot import in Lambda: no module named ${outcome.missing}${outcome.file ? ` (imported by ${outcome.file}${outcome.line ? `:${outcome.line}` : ""})` : ""}`,
        {
          where,
          hint: `add the distribution that provides ${top} (${distribution}) to the lockfile, or ship the module with the code; nothing was deployed`
        }
      )
    };
  }
  return {
    runtimeProvided: false,
    error: new UserError(
      `handler ${ref.handler} cannot import in Lambda: ${outcome.errorType ?? "error"}: ${outcome.message ?? ""}`,
      {
        where,
        hint: "fix the error in the module (it happens at import time, before any event); nothing was deployed"
      }
    )
  };
}

// src/verify/index.ts
var IMPORT_TIMEOUT_MS = 6e4;
async function zipEntries(zip) {
  if (!zip) return /* @__PURE__ */ new Set();
  return new Set((await readZipDirectory(zip.path)).entries.map((e) => e.name));
}
async function readEntry(directory, name) {
  const entry = directory.entries.find((e) => e.name === name);
  if (!entry || entry.size > 8 * 1024 * 1024) return void 0;
  const reader = new EntryReader(directory);
  try {
    const stored = await reader.read(entry);
    return inflateEntry(entry, stored).toString("utf8");
  } finally {
    await reader.close();
  }
}
async function verifyHandler(options) {
  const { target, functionZip, layerZip, log } = options;
  const ref = parseHandler(options.handler);
  if (ref instanceof UserError) throw ref;
  const functionFile = functionZip && (options.staged?.functionZip ?? functionZip.path);
  const layerFile = layerZip && (options.staged?.layerZip ?? layerZip.path);
  const functionDirectory = functionFile ? await readZipDirectory(functionFile) : void 0;
  const layerDirectory = layerFile ? await readZipDirectory(layerFile) : void 0;
  const names2 = (d) => new Set(d?.entries.map((e) => e.name));
  const home = findModule(ref, names2(functionDirectory), names2(layerDirectory));
  const directoryOf = home?.zip === "function" ? functionDirectory : layerDirectory;
  const source = home && directoryOf ? await readEntry(directoryOf, home.entry) : void 0;
  const verdict = staticVerdict(ref, home, source, { function: functionZip?.path, layer: layerZip?.path });
  if (verdict.refusal || !verdict.home) throw verdict.refusal;
  log.info(
    `Handler ${ref.handler}: ${ref.function} defined in ${verdict.home.entry} (line ${verdict.line}, static check)`
  );
  const module = verdict.home.entry;
  const skip = await whyNotRunnable(target, options);
  if (typeof skip === "string") {
    log.info(`Handler ${ref.handler}: import check not run: ${skip}; the static check above still applies`);
    return { handler: ref.handler, module, imported: { skipped: skip }, coldStart: { skipped: skip } };
  }
  const { command, version } = skip;
  const run = { python: command, timeoutMs: IMPORT_TIMEOUT_MS, path: options.env.PATH ?? "" };
  return withLambdaLayout(
    { functionZip: functionFile, layerZip: layerFile, scratch: options.scratch },
    async (layout) => {
      const measuring = {
        ...run,
        pythonVersion: version,
        pythonMinor: target.pythonVersion,
        module: ref.module,
        withBytecode: options.measure.withBytecode,
        owners: options.measure.owners
      };
      const bytecodeWritten = measuring.withBytecode ? writeBytecode(layout, measuring) : void 0;
      try {
        const outcome = await importHandler(layout, {
          ...run,
          pythonVersion: target.pythonVersion,
          module: ref.module,
          name: ref.function
        });
        const result = reportImport(ref, module, outcome, command, log, options.slimRemoved ?? []);
        if (result.imported !== "imported") return { ...result, coldStart: { skipped: result.imported.skipped } };
        const coldStart = await measureImport(layout, measuring, bytecodeWritten);
        logColdStart(coldStart, log);
        return { ...result, coldStart };
      } finally {
        await bytecodeWritten?.catch(() => void 0);
      }
    }
  );
}
async function whyNotRunnable(target, options) {
  const runner = process.arch === "x64" ? "x86_64" : process.arch === "arm64" ? "arm64" : process.arch;
  if (runner !== target.architecture) {
    return `the target is ${target.architecture} and this runner is ${runner}: its compiled dependencies cannot load here`;
  }
  const { python, tried } = await findRuntimePython(target.pythonMinor, options.python, options.env);
  if (python) return { command: python.command, version: python.version };
  return `no Python ${target.pythonVersion} found (looked for the python input, python${target.pythonVersion} on PATH, $RUNNER_TOOL_CACHE/Python, pyenv${tried.length ? `; tried ${tried.join("; ")}` : ""})`;
}
function reportImport(ref, module, outcome, python, log, slimRemoved) {
  if (outcome.ok) {
    log.info(`Handler ${ref.handler}: imported from the zips in Lambda's layout with ${python}`);
    return { handler: ref.handler, module, imported: "imported" };
  }
  const failure = importFailure(ref, outcome, slimRemoved);
  if (failure.runtimeProvided) {
    log.annotate("notice", failure.error.message);
    return { handler: ref.handler, module, imported: { skipped: failure.error.message } };
  }
  throw failure.error;
}
function logColdStart(c, log) {
  if ("skipped" in c) {
    log.info(`Cold start: not measured: ${c.skipped}`);
    return;
  }
  const m = c.measured;
  const heaviest = m.packages.slice(0, 3).map((p) => `${p.name} ${p.cumulativeMs} ms`).join(", ");
  log.info(
    `Cold start: the handler's import took ${m.import.medianMs} ms (median of ${m.import.runs} runs, spread ${spreadOf(m.import)} ms), ${m.modules} modules, on this runner with Python ${m.python}${heaviest ? `; heaviest: ${heaviest}` : ""}`
  );
}

// src/build.ts
var progressByInputs = /* @__PURE__ */ new WeakMap();
function buildProgress(inputs) {
  return progressByInputs.get(inputs);
}
async function timed(timings, stage, fn) {
  const start = performance.now();
  try {
    return await fn();
  } finally {
    timings[stage] = Math.round(performance.now() - start);
  }
}
async function build(inputs, ctx, options = {}) {
  const { log, env } = ctx;
  const timings = {};
  const progress = { timings };
  progressByInputs.set(inputs, progress);
  const target = makeTarget(inputs.runtime, inputs.architecture);
  await prepareOutputDir(inputs.outputDir);
  logTarget(target, log);
  const lock = await timed(timings, "lock", () => lockedSet(inputs, target, log));
  progress.lock = lock;
  const tempBase = env.RUNNER_TEMP || os2.tmpdir();
  await mkdir12(tempBase, { recursive: true });
  const scratch = await mkdtemp2(path26.join(tempBase, "lpp-"));
  let zips;
  try {
    const stage = { inputs, ctx, target, lock, scratch, timings };
    const { dependencies, compiler, store } = await dependenciesOf(stage);
    const { tree } = dependencies;
    const { code, optimized } = await codeOf(stage, dependencies, compiler);
    const { source: deps } = dependencies;
    const { inspection, treeChecks } = await timed(timings, "inspect", async () => {
      const treeChecks2 = deps.kind === "cached" ? deps.treeChecks : checkTree(tree, target, deps.kind === "wheels" ? deps.scanned : await scanTree(deps.tree));
      return { treeChecks: treeChecks2, inspection: await inspect(inputs, target, lock, { tree, treeChecks: treeChecks2 }, code, log) };
    });
    const plan = planPackages(inputs.packageMode, code, tree.files, inputs.allowCollisions);
    const packaged = await timed(
      timings,
      "zip",
      () => collectingDroppedBuffers(async () => {
        const dependencyZip2 = await compressDependencies(dependencies);
        return { dependencyZip: dependencyZip2, zips: await writePackages(plan, dependencyZip2, inputs.outputDir) };
      })
    );
    const { dependencyZip } = packaged;
    zips = packaged.zips;
    const findings = checkPackageSizes(zips, inputs, target, lock, inspection, log);
    const saving = timed(timings, "save", () => saveDependencies(dependencies, dependencyZip, treeChecks, store, log));
    options.alongside?.(saving);
    const verify = await verifyStaged(stage, zips, tree, optimized?.report.removed).finally(
      () => options.alongside ? void 0 : saving
    );
    if (!options.alongside) await saving;
    const unzipped = (zips.functionZip?.unzippedSize ?? 0) + (zips.layerZip?.unzippedSize ?? 0);
    const built = { unzipped, files: [...tree.files, ...code] };
    adviseCompile(inputs.optimize, target, built, ctx.env, log, measuredBothWays(verify));
    await zips.publish();
    const { functionZip, layerZip } = zips;
    zips = void 0;
    return {
      target,
      lock,
      tree,
      code,
      installer: dependencies.installer,
      cache: dependencies.cache,
      inspection,
      findings,
      functionZip,
      layerZip,
      verify,
      builtFromSource: dependencies.builtFromSource ?? [],
      optimization: optimized?.report,
      unzippedSize: (functionZip?.unzippedSize ?? 0) + (layerZip?.unzippedSize ?? 0),
      timings
    };
  } finally {
    await zips?.discard();
    await rm9(scratch, { recursive: true, force: true }).catch(() => {
    });
  }
}
async function dependenciesOf({ inputs, ctx, target, lock, scratch, timings }) {
  const { env, log } = ctx;
  const store = inputs.cache ? await chooseStore(env) : void 0;
  const compiler = await findCompiler(inputs.optimize, target, inputs.python, env, log);
  const dependencies = await timed(
    timings,
    "install",
    () => restoreOrInstall({
      installer: inputs.installer,
      buildFromSource: inputs.buildFromSource,
      python: inputs.python,
      indexUrl: inputs.indexUrl,
      extraIndexUrls: inputs.extraIndexUrls,
      target,
      lock,
      store,
      scratch,
      env,
      log,
      optimizeKey: optimizeKey(inputs.optimize, compiler),
      excludePackages: inputs.optimize.excludePackages,
      mayLeaveOut: slimMayRemove(inputs.optimize),
      scanner: { keeps: scanKeeps, scan: scanBytes }
    })
  );
  if (dependencies.restoreMs !== void 0) timings.restore = dependencies.restoreMs;
  if (dependencies.source.kind === "wheels") {
    timings.download = dependencies.source.downloadMs;
    timings.unpack = dependencies.source.unpackMs;
  }
  warnUnpinned(dependencies.tree, lock, log);
  return { dependencies, compiler, store };
}
async function codeOf({ inputs, ctx, lock, scratch, timings }, dependencies, compiler) {
  const { env, log } = ctx;
  const source = inputs.packageMode === "layer" ? [] : await timed(timings, "source", () => functionCode(inputs, lock, log));
  if (inputs.packageMode !== "layer" && source.length === 0) {
    throw new UserError(`no function code found in ${inputs.workingDirectory}`, {
      hint: "set `source` to the handler's files or folders, or use `package: layer` to build only the dependencies"
    });
  }
  const optimized = optimizing(inputs.optimize) ? await timed(
    timings,
    "optimize",
    () => optimize({
      settings: inputs.optimize,
      compiler,
      ...optimizedDependencies(dependencies),
      entryDir: dependencies.entryDir,
      code: source,
      scratch,
      env,
      log
    })
  ) : void 0;
  return { code: optimized?.code ?? source, optimized };
}
function optimizedDependencies(dependencies) {
  const { source } = dependencies;
  if (source.kind === "installed") return { tree: source.tree };
  if (source.kind === "cached") return {};
  const { members, scanned, notDownloaded, unchecked } = source;
  const listing = dependencies.tree;
  return { wheels: { listing, members, scanned, notDownloaded, unchecked, keeps: scanKeeps, scan: scanBytes } };
}
async function verifyStaged({ inputs, ctx, target, scratch, timings }, zips, tree, slimRemoved) {
  const { env, log } = ctx;
  const { staged } = zips;
  const handler = inputs.handler;
  if (!handler) return void 0;
  return timed(
    timings,
    "verify",
    () => log.group(
      `Verify handler ${handler}`,
      () => verifyHandler({
        handler,
        target,
        // named by the paths they will have (function.zip), read where they are now
        functionZip: zips.functionZip,
        layerZip: zips.layerZip,
        staged,
        python: inputs.python,
        env,
        scratch,
        log,
        measure: { withBytecode: inputs.optimize.compile === "off", owners: ownersOf2(tree.files, tree.distributions) },
        slimRemoved
      })
    )
  );
}
function measuredBothWays(verify) {
  const c = verify?.coldStart;
  if (!c || !("measured" in c) || !c.measured.withBytecode) return void 0;
  return { without: c.measured.import, with: c.measured.withBytecode };
}

export {
  ARTIFACT_VARIABLES,
  withToolkitEnv,
  directoryCacheRoot,
  actionsCache,
  spreadOf,
  zipEntries,
  buildProgress,
  timed,
  build
};
