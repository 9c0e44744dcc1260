"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.output = exports.input = void 0;
const input = require("./input");
exports.input = input;
const output = require("./output");
exports.output = output;
