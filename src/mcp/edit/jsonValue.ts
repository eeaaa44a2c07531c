/**
 * JSONC → value, as jsonc-parser's `parse` reads it (the last duplicate key wins) but without
 * recursion and with own properties only, so `__proto__` is an ordinary key and nesting of any
 * depth is fine. Only used on texts the client's parser has accepted.
 */
import { createScanner } from 'jsonc-parser';
import { InvalidConfigError, setOwn } from './types';

/** jsonc-parser's SyntaxKind values (a const enum, which isolated modules cannot import). */
const Token = { OpenBrace: 1, CloseBrace: 2, OpenBracket: 3, CloseBracket: 4, Comma: 5, Colon: 6, Null: 7, True: 8, False: 9, String: 10, Number: 11, EOF: 17 } as const;

interface Frame {
  value: Record<string, unknown> | unknown[];
  key: string | undefined;
  expectKey: boolean;
}

export function jsoncValue(text: string): unknown {
  const scanner = createScanner(text, true);
  const stack: Frame[] = [];
  let result: unknown;
  let done = false;
  const put = (value: unknown) => {
    const top = stack[stack.length - 1];
    if (!top) {
      result = value;
      done = true;
    } else if (Array.isArray(top.value)) top.value.push(value);
    else setOwn(top.value, top.key!, value);
  };
  for (let token: number = scanner.scan(); token !== Token.EOF; token = scanner.scan()) {
    const top = stack[stack.length - 1];
    switch (token) {
      case Token.OpenBrace:
        stack.push({ value: {}, key: undefined, expectKey: true });
        break;
      case Token.OpenBracket:
        stack.push({ value: [], key: undefined, expectKey: false });
        break;
      case Token.CloseBrace:
      case Token.CloseBracket:
        put(stack.pop()!.value);
        break;
      case Token.Comma:
        if (top && !Array.isArray(top.value)) top.expectKey = true;
        break;
      case Token.Colon:
        break;
      case Token.String:
        if (top && !Array.isArray(top.value) && top.expectKey) {
          top.key = scanner.getTokenValue();
          top.expectKey = false;
        } else put(scanner.getTokenValue());
        break;
      case Token.Number:
        put(Number(scanner.getTokenValue()));
        break;
      case Token.True:
        put(true);
        break;
      case Token.False:
        put(false);
        break;
      case Token.Null:
        put(null);
        break;
      default:
        throw new InvalidConfigError('it is not valid JSON');
    }
  }
  if (!done || stack.length > 0) throw new InvalidConfigError('it is not valid JSON');
  return result;
}
