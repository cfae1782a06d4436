// The caller identity every end-to-end gateway config needs: one team, one service account with a
// budget, and one caller key with a fixed value (each test file brings its own key, so a secret
// found in the output can be traced to the file that leaked it).

/**
 * YAML for `teams` and `service_accounts` with one caller key.
 * @param {{key: string, account?: string, allowedModels?: string[]}} options
 */
export function callerIdentityYaml({ key, account = 'e2e-runner', allowedModels }) {
  const grants = allowedModels ? `\n        allowed_models: [${allowedModels.join(', ')}]` : '';
  return `
teams:
  - id: platform
    name: Platform
service_accounts:
  - id: ${account}
    name: ${account}
    team: platform
    budget: { cadence: monthly, amount_usd: "10" }
    keys:
      - id: primary
        name: ${account}-primary
        auto_create: false
        value: literal.${key}${grants}
`;
}
