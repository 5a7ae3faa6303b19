/**
 * Build-time (Spring AOT) processing of applications that use llmcache.
 */
@NullMarked
package dev.llmcache.autoconfigure.aot;

import org.jspecify.annotations.NullMarked;
