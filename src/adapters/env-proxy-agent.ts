import * as http from 'node:http';
import * as https from 'node:https';
import { Agent, type AgentConnectOpts } from 'agent-base';
import { HttpProxyAgent } from 'http-proxy-agent';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { getProxyForUrl } from 'proxy-from-env';

/**
 * An HTTP(S) agent that sends each request through the proxy the standard variables name for its
 * URL (HTTPS_PROXY for https, HTTP_PROXY for http, ALL_PROXY for either, lower case too), or
 * directly when NO_PROXY matches its host or none is set: what the AWS CLI, the CDK CLI and
 * configure-aws-credentials do. Connection options (e.g. `ca`) apply to the target, through the
 * proxy's tunnel or not.
 */
export class EnvProxyAgent extends Agent {
  private readonly direct: { readonly http: http.Agent; readonly https: https.Agent };
  private readonly proxied = new Map<string, http.Agent>();

  constructor(private readonly connectOptions: https.AgentOptions = {}) {
    super({ keepAlive: true, ...connectOptions });
    this.direct = {
      http: new http.Agent({ keepAlive: true, ...connectOptions }),
      https: new https.Agent({ keepAlive: true, ...connectOptions }),
    };
  }

  /** The agent for one request: a cached proxy agent for its proxy URL, or a direct one. */
  override connect(_request: http.ClientRequest, options: AgentConnectOpts): http.Agent {
    const secure = options.secureEndpoint;
    const host = options.host ?? 'localhost';
    const target = `${secure ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${options.port}`;
    const proxy = getProxyForUrl(target);
    if (proxy === '') return secure ? this.direct.https : this.direct.http;
    const key = `${secure ? 'https' : 'http'} ${proxy}`;
    let agent = this.proxied.get(key);
    if (agent === undefined) {
      const settings = { keepAlive: true, ...this.connectOptions };
      agent = secure ? new HttpsProxyAgent(proxy, settings) : new HttpProxyAgent(proxy, settings);
      this.proxied.set(key, agent);
    }
    return agent;
  }

  override destroy(): void {
    this.direct.http.destroy();
    this.direct.https.destroy();
    for (const agent of this.proxied.values()) agent.destroy();
    this.proxied.clear();
    super.destroy();
  }
}
