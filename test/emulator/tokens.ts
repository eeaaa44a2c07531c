// The JWTs issued to each agent that have not expired yet, so a policy change
// can revoke them all (DOCS securing-access: table agent_active_tokens).

export class LiveTokens {
  /** agentId -> jti -> exp (epoch seconds); pruned as tokens expire. */
  private readonly byAgent = new Map<string, Map<string, number>>();

  track(agentId: string, jti: string, exp: number, nowSeconds: number): void {
    let tokens = this.byAgent.get(agentId);
    if (tokens === undefined) {
      tokens = new Map();
      this.byAgent.set(agentId, tokens);
    }
    for (const [id, expiry] of tokens) if (expiry <= nowSeconds) tokens.delete(id);
    tokens.set(jti, exp);
  }

  /** The agent's unexpired jtis, forgotten from here on. */
  drain(agentId: string, nowSeconds: number): string[] {
    const tokens = this.byAgent.get(agentId);
    this.byAgent.delete(agentId);
    return tokens === undefined ? [] : [...tokens].filter(([, exp]) => exp > nowSeconds).map(([jti]) => jti);
  }
}
