"use strict";
// Output types of the Neon provider's nested blocks.
Object.defineProperty(exports, "__esModule", { value: true });
