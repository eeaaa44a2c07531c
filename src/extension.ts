/**
 * Entry point. Activation only builds the services and returns; everything that touches the
 * network or the disk runs afterwards, so the editor's start-up is not held up.
 */
import type * as vscode from 'vscode';
import { Services, type OneClawApi } from './editor/services';

let services: Services | undefined;

export function activate(context: vscode.ExtensionContext): OneClawApi {
  services = new Services(context);
  context.subscriptions.push(services);
  services.start();
  return services.api;
}

export function deactivate(): void {
  services?.dispose();
  services = undefined;
}
