# The two commands of the README, and a few for development. See tools/ for what they run.
.PHONY: run test build lint deps

run:
	@tools/run.sh $(ARGS)

test:
	@tools/test.sh

build: deps
	bazel build //...

lint: deps
	tools/buf.sh

deps:
	@tools/deps.sh
