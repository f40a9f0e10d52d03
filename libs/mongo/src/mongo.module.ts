import { DynamicModule, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { APP_CONFIG } from '@callboard/config';

export interface MongoSettings {
  MONGODB_URI: string;
  MONGODB_DATABASE?: string;
}

/** One MongoDB connection per service, configured from the validated environment. */
@Module({})
export class MongoModule {
  static forRoot(): DynamicModule {
    return {
      module: MongoModule,
      imports: [
        MongooseModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (settings: MongoSettings) => ({
            uri: settings.MONGODB_URI,
            dbName: settings.MONGODB_DATABASE,
            serverSelectionTimeoutMS: 10000,
            // Indexes are declared next to the queries they serve and built at boot.
            autoIndex: true,
            // FerretDB has no sessions or retryable writes; writes here are idempotent instead.
            retryWrites: false,
          }),
        }),
      ],
      exports: [MongooseModule],
    };
  }
}
