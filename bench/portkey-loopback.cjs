// Preloaded into the Portkey gateway by bench/run (node --require): its start-server.js takes only
// --port and binds every interface; this makes any listen() without a host bind 127.0.0.1 only.
const net = require("net");
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  if (typeof args[0] === "number") {
    if (args[1] === undefined || args[1] === null || args[1] === "0.0.0.0" || args[1] === "::") args[1] = "127.0.0.1";
    else if (typeof args[1] === "function" || typeof args[1] === "number") args.splice(1, 0, "127.0.0.1");
  } else if (args[0] && typeof args[0] === "object" && !args[0].host && !args[0].path) {
    args[0] = { ...args[0], host: "127.0.0.1" };
  }
  return listen.apply(this, args);
};
