#!/usr/bin/env bash
# `npm run release:action`: a release tag that the GitHub Action runs from.
# A JavaScript action runs the repository as checked out at the ref a
# workflow names (uses: <owner>/iamjwt@vX.Y.Z), with no build step, and the
# built package (pkg/) is not in git: so the tag points at a commit of its
# own, made off the current one, that adds the built pkg/ (what the package
# ships: the glue, both .wasm files, the error codes). The branch is not
# touched. Then push the tag (the script prints the command).
#
#   npm run release:action              # tag v<package.json version>
#   npm run release:action -- v1.2.3    # or another tag
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf 'release: %s\n' "$*" >&2; }

if [ -n "$(git status --porcelain --untracked-files=no)" ]; then
  say "the work tree has uncommitted changes: commit them first, so the tag is what was reviewed"
  exit 1
fi
tag="${1:-v$(node -p "require('./package.json').version")}"
if git rev-parse -q --verify "refs/tags/$tag" >/dev/null; then
  say "tag $tag exists already"
  exit 1
fi

# pkg/ as the tree is now: built when any input is newer (scripts/build.mjs).
[ -d node_modules ] || IAMJWT_SKIP_BUILD=1 bash scripts/setup.sh --no-browser
node scripts/build.mjs

worktree=$(mktemp -d)
trap 'git worktree remove --force "$worktree" >/dev/null 2>&1 || true; rm -rf "$worktree"' EXIT
git worktree add --quiet --detach "$worktree" HEAD
files=(pkg/iamjwt.js pkg/iamjwt_bg.wasm pkg/iamjwt_emulator.js pkg/iamjwt_emulator_bg.wasm pkg/error-codes.js)
mkdir -p "$worktree/pkg"
for f in "${files[@]}"; do cp "$f" "$worktree/$f"; done
git -C "$worktree" add --force "${files[@]}"
git -C "$worktree" -c user.name="${GIT_AUTHOR_NAME:-iamjwt release}" -c user.email="${GIT_AUTHOR_EMAIL:-release@iamjwt.invalid}" \
  commit --quiet -m "release $tag: the built pkg/ for the GitHub Action (made by npm run release:action from $(git rev-parse --short HEAD))"
git -C "$worktree" tag -a "$tag" -m "iamjwt $tag (the GitHub Action runs from this tag: it carries pkg/)"
say "tagged $tag at $(git rev-parse --short "$tag") (with pkg/; the branch is unchanged)"
say "publish it with: git push origin $tag"
