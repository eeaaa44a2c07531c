/**
 * Changing this process's environment for a test, and putting it back. Always in place: node's
 * process.env is bound to the real environment (os.homedir() reads HOME there), and assigning a new
 * object to process.env would silently detach it for every later suite.
 */
export function setEnvironment(values: Readonly<Record<string, string | undefined>>): void {
  for (const key of Object.keys(process.env)) if (!(key in values)) delete process.env[key];
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
}
