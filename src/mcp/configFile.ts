/**
 * The earlier path of the config-file edit, kept for code that still imports it (other work
 * streams); the implementation is src/mcp/edit/configFile.ts.
 */
export { editConfigEntry, editConfigFile, type ConfigEditOptions, type ConfigEditOutcome } from './edit/configFile';
