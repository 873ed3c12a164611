// An A2A agent written on @a2a-js/sdk (the JavaScript SDK), for the interop tests: one card
// declaring JSON-RPC and HTTP+JSON, each in A2A 1.0 and in its 0.3 compatibility. What it does
// is driven by the prompt's first word:
//   hello            one message
//   steps N [ms]     a task streaming "step i of N" artifact appends, ms apart (cancellable)
//   ask              input-required, then completes with what the person answered
//   file             a task whose artifact is a file part with bytes 0..255
//   echo ...         a message describing each part it received (file parts by length and
//                    sha256, data parts as they came)
//   adk N            a task streaming partial text as N working status messages (deltas)
//   adk cumulative N the same, each status holding the whole text so far
//   wait ms          nothing for ms milliseconds (no task yet), then one message
//   link             a message with a file part by URL
//   crash            a task whose executor throws (the SDK fails the task)
//   fade             a working status saying why, then failed with no message
//   garbled          a task, then a status whose timestamp is not a time (not valid A2A)
// PORT sets the port; PUBLIC_URL the base its card names (a proxy in front of it);
// STREAMING=0 declares capabilities.streaming false.
import crypto from "node:crypto";
import { createRequire } from "node:module";

// The packages live in tests/support/node/node_modules (make node), beside this file's folder.
const require = createRequire(new URL("./node/package.json", import.meta.url));
const express = require("express");
const { AgentEvent, DefaultRequestHandler, InMemoryTaskStore } = require("@a2a-js/sdk/server");
const { agentCardHandler, jsonRpcHandler, restHandler, UserBuilder } = require(
  "@a2a-js/sdk/server/express",
);
const { duplicateInterfacesForLegacy } = require("@a2a-js/sdk/compat/v0_3");

const PORT = Number(process.env.PORT || 0);
const STREAMING = process.env.STREAMING !== "0";
const BASE = process.env.PUBLIC_URL || `http://127.0.0.1:${PORT}`;
const S = { SUBMITTED: 1, WORKING: 2, COMPLETED: 3, FAILED: 4, CANCELED: 5, INPUT_REQUIRED: 6 };
const AGENT = 2;
const FILE_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
const STORY = ["Once ", "upon ", "a ", "time ", "there ", "was ", "a ", "switchboard."];

const text = (value) => ({ content: { $case: "text", value }, mediaType: "text/plain", filename: "", metadata: {} });
const data = (value) => ({ content: { $case: "data", value }, mediaType: "application/json", filename: "", metadata: {} });
const raw = (value, filename, mediaType) => ({ content: { $case: "raw", value }, mediaType, filename, metadata: {} });

function message(ctx, parts) {
  return {
    messageId: crypto.randomUUID(),
    contextId: ctx.contextId,
    taskId: "",
    role: AGENT,
    parts,
    metadata: {},
    extensions: [],
    referenceTaskIds: [],
  };
}

function status(ctx, state, words) {
  const said = words === undefined ? undefined : { ...message(ctx, [text(words)]), taskId: ctx.taskId };
  return AgentEvent.statusUpdate({
    taskId: ctx.taskId,
    contextId: ctx.contextId,
    status: { state, message: said, timestamp: new Date().toISOString() },
    metadata: {},
  });
}

function artifact(ctx, id, parts, append, lastChunk) {
  return AgentEvent.artifactUpdate({
    taskId: ctx.taskId,
    contextId: ctx.contextId,
    artifact: { artifactId: id, name: id, description: "", parts, metadata: {}, extensions: [] },
    append,
    lastChunk,
    metadata: {},
  });
}

function newTask(ctx) {
  return AgentEvent.task({
    id: ctx.taskId,
    contextId: ctx.contextId,
    status: { state: S.SUBMITTED, message: undefined, timestamp: new Date().toISOString() },
    artifacts: [],
    history: [ctx.userMessage],
    metadata: {},
  });
}

function describe(part) {
  const content = part.content || {};
  if (content.$case === "text") return { kind: "text", text: content.value, mediaType: part.mediaType };
  if (content.$case === "data") return { kind: "data", data: content.value };
  if (content.$case === "url") return { kind: "url", url: content.value };
  if (content.$case === "raw") {
    const bytes = Buffer.from(content.value);
    const sha256 = crypto.createHash("sha256").update(bytes).digest("hex");
    return { kind: "file", filename: part.filename, mediaType: part.mediaType, length: bytes.length, sha256 };
  }
  return { kind: "unknown" };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

class ScriptedExecutor {
  constructor() {
    this.canceled = new Set();
  }

  async execute(ctx, bus) {
    const words = ctx.userMessage.parts
      .filter((p) => p.content?.$case === "text")
      .map((p) => p.content.value)
      .join(" ")
      .trim()
      .split(/\s+/);
    if (ctx.task) return this.answered(ctx, bus, words.join(" "));
    const [command, ...args] = words;
    const run = {
      steps: () => this.steps(ctx, bus, Number(args[0] || 5), Number(args[1] || 100)),
      ask: () => this.ask(ctx, bus),
      file: () => this.file(ctx, bus),
      echo: () => this.reply(ctx, bus, "received", ctx.userMessage.parts.map(describe)),
      link: () => this.link(ctx, bus),
      crash: () => this.crash(ctx, bus),
      fade: () => this.fade(ctx, bus),
      garbled: () => this.garbled(ctx, bus),
      wait: () => sleep(Number(args[0] || 1000)).then(() => this.reply(ctx, bus, "Waited.")),
      adk: () => this.adk(ctx, bus, args[0] === "cumulative", Number(args.at(-1)) || STORY.length),
    }[command];
    if (run) await run();
    else this.reply(ctx, bus, "Hello from the JS agent.");
    bus.finished();
  }

  reply(ctx, bus, words, details) {
    const parts = details === undefined ? [text(words)] : [text(words), data({ [words]: details })];
    bus.publish(AgentEvent.message(message(ctx, parts)));
  }

  async steps(ctx, bus, count, delay) {
    bus.publish(newTask(ctx));
    bus.publish(status(ctx, S.WORKING));
    for (let i = 1; i <= count; i++) {
      await sleep(delay);
      if (this.canceled.has(ctx.taskId)) return;
      bus.publish(artifact(ctx, "steps", [text(`step ${i} of ${count}\n`)], i > 1, i === count));
    }
    bus.publish(status(ctx, S.COMPLETED));
  }

  async ask(ctx, bus) {
    bus.publish(newTask(ctx));
    bus.publish(status(ctx, S.INPUT_REQUIRED, "What is your name?"));
  }

  answered(ctx, bus, answer) {
    bus.publish(AgentEvent.task(ctx.task));
    bus.publish(artifact(ctx, "greeting", [text(`Nice to meet you, ${answer}.`)], false, true));
    bus.publish(status(ctx, S.COMPLETED));
    bus.finished();
  }

  async file(ctx, bus) {
    bus.publish(newTask(ctx));
    const parts = [raw(FILE_BYTES, "bytes.bin", "application/octet-stream")];
    bus.publish(artifact(ctx, "file", parts, false, true));
    bus.publish(status(ctx, S.COMPLETED));
  }

  async adk(ctx, bus, cumulative, count) {
    bus.publish(newTask(ctx));
    const pieces = STORY.slice(0, count);
    for (let i = 0; i < pieces.length; i++) {
      await sleep(20);
      const said = cumulative ? pieces.slice(0, i + 1).join("") : pieces[i];
      bus.publish(status(ctx, S.WORKING, said));
    }
    bus.publish(artifact(ctx, "story", [text(pieces.join(""))], false, true));
    bus.publish(status(ctx, S.COMPLETED));
  }

  link(ctx, bus) {
    const part = { content: { $case: "url", value: `${BASE}/files/report.pdf` }, mediaType: "application/pdf", filename: "report.pdf", metadata: {} };
    bus.publish(AgentEvent.message(message(ctx, [text("Here is the report."), part])));
  }

  async crash(ctx, bus) {
    bus.publish(newTask(ctx));
    bus.publish(status(ctx, S.WORKING, "About to fall over"));
    throw new Error("the JS agent crashed on purpose");
  }

  async fade(ctx, bus) {
    bus.publish(newTask(ctx));
    bus.publish(status(ctx, S.WORKING, "The index is gone, so no answer."));
    bus.publish(status(ctx, S.FAILED));
  }

  async garbled(ctx, bus) {
    bus.publish(newTask(ctx));
    const broken = status(ctx, S.WORKING, "Almost there");
    broken.data.status.timestamp = "yesterday";
    bus.publish(broken);
    bus.publish(status(ctx, S.COMPLETED));
  }

  async cancelTask(taskId, bus) {
    this.canceled.add(taskId);
    bus.publish(
      AgentEvent.statusUpdate({
        taskId,
        contextId: "",
        status: { state: S.CANCELED, message: undefined, timestamp: new Date().toISOString() },
        metadata: {},
      }),
    );
  }
}

const interfaces = [
  { url: `${BASE}/a2a/jsonrpc`, protocolBinding: "JSONRPC", tenant: "", protocolVersion: "1.0" },
  { url: `${BASE}/a2a/rest`, protocolBinding: "HTTP+JSON", tenant: "", protocolVersion: "1.0" },
];
const card = {
  name: "JS SDK agent",
  description: "An agent on @a2a-js/sdk: hello, steps N, ask, file, echo, adk.",
  supportedInterfaces: duplicateInterfacesForLegacy(interfaces, ["JSONRPC", "HTTP+JSON"]),
  provider: { url: "https://github.com/a2aproject/a2a-js", organization: "a2a-js" },
  version: "1.3.0",
  capabilities: { streaming: STREAMING, pushNotifications: false, extensions: [] },
  securitySchemes: {},
  securityRequirements: [],
  defaultInputModes: ["text/plain", "application/json", "application/octet-stream"],
  defaultOutputModes: ["text/plain", "application/json", "application/octet-stream"],
  skills: [
    {
      id: "scripted",
      name: "Scripted replies",
      description: "hello, steps N, ask, file, echo, adk",
      tags: ["test"],
      examples: ["hello", "steps 5"],
      inputModes: [],
      outputModes: [],
      securityRequirements: [],
    },
  ],
  signatures: [],
};

const handler = new DefaultRequestHandler(card, new InMemoryTaskStore(), new ScriptedExecutor());
const compat = { legacyCompat: { enabled: true } };
const app = express();
app.use("/.well-known/agent-card.json", agentCardHandler({ agentCardProvider: handler, ...compat }));
const options = { requestHandler: handler, userBuilder: UserBuilder.noAuthentication, ...compat };
app.use("/a2a/jsonrpc", jsonRpcHandler(options));
app.use("/a2a/rest", restHandler(options));
app.listen(PORT, "127.0.0.1");
