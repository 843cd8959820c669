#!/usr/bin/env bash
# Checks the packaged CloudFormation template against policy/template.guard with cfn-guard (shipped as a
# binary inside an npm package, so CI needs no other download).
set -euo pipefail
cd "$(dirname "$0")/.."
template=.serverless/cloudformation-template-update-stack.json
[ -f "$template" ] || { echo "no $template: run npm run package first" >&2; exit 1; }
arch=$(uname -m)
guard="node_modules/@cdklabs/cdk-validator-cfnguard/bin/ubuntu/${arch}/cfn-guard"
chmod +x "$guard"
"$guard" validate --rules policy/template.guard --data "$template" --show-summary fail,pass
