// A certified OpenID provider (the npm package oidc-provider) on loopback, for the sign-in tests:
// authorization code with PKCE (its own login and consent pages, which a person fills in),
// client credentials, device code, refresh tokens, revocation and introspection. Access
// tokens for the resource RESOURCE are JWTs signed with its keys (a protected agent checks
// them against its JWKS).
//
// PORT sets the port; CLIENTS is a JSON list of oidc-provider client metadata; RESOURCE the
// audience access tokens are for; ACCESS_TTL their lifetime in seconds (short: refresh tests).
// Any username signs in with any password; the account id is the username.
const { default: Provider } = await import(
  new URL("./node/node_modules/oidc-provider/lib/index.js", import.meta.url)
);

const PORT = Number(process.env.PORT || 0);
const ISSUER = `http://127.0.0.1:${PORT}`;
const RESOURCE = process.env.RESOURCE || "http://127.0.0.1/agent";
const ACCESS_TTL = Number(process.env.ACCESS_TTL || 3600);
const SCOPES = ["openid", "profile", "email", "offline_access", "agent.read", "agent.write"];

const configuration = {
  clients: JSON.parse(process.env.CLIENTS || "[]"),
  scopes: SCOPES,
  claims: { openid: ["sub"], profile: ["name"], email: ["email", "email_verified"] },
  async findAccount(_ctx, id) {
    return {
      accountId: id,
      async claims() {
        return { sub: id, name: id, email: `${id}@example.com`, email_verified: true };
      },
    };
  },
  features: {
    devInteractions: { enabled: true }, // its own login and consent pages
    clientCredentials: { enabled: true },
    deviceFlow: { enabled: true },
    introspection: { enabled: true },
    revocation: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => RESOURCE,
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({
        scope: "agent.read agent.write",
        audience: RESOURCE,
        accessTokenTTL: ACCESS_TTL,
        accessTokenFormat: "jwt",
      }),
    },
  },
  issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed("refresh_token"),
  ttl: { AccessToken: ACCESS_TTL, ClientCredentials: ACCESS_TTL, DeviceCode: 600 },
  pkce: { required: () => true },
  cookies: { keys: ["switchboard-tests-only"] },
};

const provider = new Provider(ISSUER, configuration);
provider.proxy = false;
provider.on("server_error", (_ctx, error) => console.error("oidc-provider:", error));
provider.listen(PORT, "127.0.0.1");
