/**
 * Hints for Spring AOT and GraalVM native images.
 */
@NullMarked
package dev.llmcache.aot;

import org.jspecify.annotations.NullMarked;
