/**
 * Canonical, versioned cache keys: how a call to a language model becomes the SHA-256 its answer
 * is stored under.
 */
@NullMarked
package dev.llmcache.key;

import org.jspecify.annotations.NullMarked;
